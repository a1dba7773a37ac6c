package dev.postern.verify;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.postern.verify.VerifyStatus.Status;

/** Postfix's expiry and refresh rules of the address verification cache, and its file. */
class VerifyCacheTest {
    private static final VerifyCache.Settings POSTFIX = VerifyCache.Settings.fromParameters(Map.of(
        "address_verify_positive_expire_time", "31d", "address_verify_positive_refresh_time", "7d",
        "address_verify_negative_cache", "yes", "address_verify_negative_expire_time", "3d",
        "address_verify_negative_refresh_time", "3h")::get);
    private static final VerifyStatus OK = new VerifyStatus(Status.DELIVERABLE, "250 2.1.5 Ok");
    private static final VerifyStatus BOUNCE = new VerifyStatus(Status.UNDELIVERABLE, "host h[192.0.2.1] said: 550 5.1.1 no");

    @TempDir
    Path dir;
    private Instant now = Instant.parse("2026-01-01T00:00:00Z");
    private final Clock clock = new Clock() {
        @Override
        public ZoneOffset getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now;
        }
    };

    private VerifyCache open(VerifyCache.Settings settings) throws IOException {
        return VerifyCache.open(dir.resolve("verify_cache"), settings, clock);
    }

    private void later(Duration duration) {
        now = now.plus(duration);
    }

    @Test
    void anUnknownAddressIsInProgressAndProbedOnce() throws IOException {
        VerifyCache cache = open(POSTFIX);

        assertThat(cache.query("a@x.test")).isEqualTo(new VerifyCache.Lookup(VerifyStatus.inProgress(), true));
        assertThat(cache.query("A@X.test")).isEqualTo(new VerifyCache.Lookup(VerifyStatus.inProgress(), false));
        later(Duration.ofSeconds(1001));
        assertThat(cache.query("a@x.test").probe()).as("a probe lost for PROBE_TTL is sent again").isTrue();
    }

    @Test
    void aResultIsAnsweredThenRefreshedThenExpires() throws IOException {
        VerifyCache cache = open(POSTFIX);
        cache.query("a@x.test");
        cache.update("a@x.test", OK);

        assertThat(cache.query("a@x.test")).isEqualTo(new VerifyCache.Lookup(OK, false));
        later(Duration.ofDays(7).plusSeconds(1));
        assertThat(cache.query("a@x.test")).as("refresh: answered, and probed").isEqualTo(new VerifyCache.Lookup(OK, true));
        assertThat(cache.query("a@x.test").probe()).isFalse();
        later(Duration.ofDays(24));
        assertThat(cache.query("a@x.test")).as("expired").isEqualTo(new VerifyCache.Lookup(VerifyStatus.inProgress(), true));
    }

    @Test
    void negativeResultsHaveTheirOwnTimes() throws IOException {
        VerifyCache cache = open(POSTFIX);
        cache.update("b@x.test", BOUNCE);

        later(Duration.ofHours(2));
        assertThat(cache.query("b@x.test")).isEqualTo(new VerifyCache.Lookup(BOUNCE, false));
        later(Duration.ofHours(1).plusSeconds(1));
        assertThat(cache.query("b@x.test")).isEqualTo(new VerifyCache.Lookup(BOUNCE, true));
        later(Duration.ofDays(3));
        assertThat(cache.query("b@x.test").status()).isEqualTo(VerifyStatus.inProgress());
    }

    @Test
    void aFailedProbeNeverReplacesADeliverableResult() throws IOException {
        VerifyCache cache = open(POSTFIX);
        cache.update("a@x.test", OK);
        later(Duration.ofDays(8));
        cache.update("a@x.test", BOUNCE);

        assertThat(cache.query("a@x.test").status()).isEqualTo(OK);
    }

    @Test
    void withoutTheNegativeCacheFailuresAreNotKept() throws IOException {
        VerifyCache cache = open(new VerifyCache.Settings(Duration.ofDays(31), Duration.ofDays(7), false,
            Duration.ofDays(3), Duration.ofHours(3)));
        cache.query("b@x.test");
        cache.update("b@x.test", BOUNCE);

        assertThat(cache.query("b@x.test").status()).isEqualTo(VerifyStatus.inProgress());
    }

    @Test
    void theCacheSurvivesReopeningInAFileOnlyPosternReads() throws IOException {
        open(POSTFIX).update("b@x.test", BOUNCE);

        assertThat(open(POSTFIX).query("B@x.test")).isEqualTo(new VerifyCache.Lookup(BOUNCE, false));
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(dir.resolve("verify_cache")))).isEqualTo("rw-------");
    }

    @Test
    void aDamagedFileIsAnErrorNamingItsLine() throws IOException {
        Files.writeString(dir.resolve("verify_cache"), "a@x.test\tDELIVERABLE\t0\t0\tok\nnonsense\n");

        assertThatThrownBy(() -> open(POSTFIX)).hasMessageContaining("verify_cache, line 2: not an address verification cache entry");
    }
}
