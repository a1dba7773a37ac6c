package dev.postern.dns;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.postern.testing.dns.SignedZones;
import dev.postern.testing.dns.SignedZones.Signing;
import dev.postern.testing.dns.SignedZones.Zone;

/** DNSSEC validation against zones the test signs, served by NSD on loopback. */
class DnsjavaDnssecLookupTest {
    @TempDir
    static Path directory;
    static SignedZones zones;
    static DnsjavaDnssecLookup dns;

    @BeforeAll
    static void start() {
        zones = SignedZones.start(directory.resolve("dns"), List.of(
            new Zone("example", Signing.SIGNED, String.join("\n", "@ IN MX 10 mx.example.", "mx IN A 127.0.0.2",
                "_25._tcp.mx IN TLSA 3 1 1 " + "ab".repeat(32))),
            new Zone("plain.example", Signing.UNSIGNED, "@ IN MX 10 mx.plain.example.\nmx IN A 127.0.0.3"),
            new Zone("stale.example", Signing.EXPIRED, "mx IN A 127.0.0.4")));
        dns = new DnsjavaDnssecLookup(List.of(new DnsServer("127.0.0.1", zones.port())), zones.trustAnchorFile(),
            "postern_dnssec_trust_anchor_file", Duration.ofSeconds(5), 1);
    }

    @AfterAll
    static void stop() {
        if (zones != null) {
            zones.close();
        }
    }

    @Test
    void answersOfASignedZoneAreSecure() {
        assertThat(dns.queryValidated("example", DnsType.MX)).isEqualTo(ValidatedAnswer.secure(
            DnsAnswer.foundMx(List.of("mx.example"), List.of(10))));
        assertThat(dns.queryValidated("_25._tcp.mx.example", DnsType.TLSA)).isEqualTo(ValidatedAnswer.secure(
            DnsAnswer.found(List.of("3 1 1 " + "ab".repeat(32)))));
    }

    @Test
    void aProvenDenialIsSecureToo() {
        ValidatedAnswer none = dns.queryValidated("_25._tcp.nothing.example", DnsType.TLSA);
        assertThat(none.secure()).isTrue();
        assertThat(none.answer().status()).isEqualTo(DnsAnswer.Status.NO_SUCH_NAME);
        ValidatedAnswer noData = dns.queryValidated("mx.example", DnsType.TLSA);
        assertThat(noData.secure()).isTrue();
        assertThat(noData.answer().status()).isEqualTo(DnsAnswer.Status.NO_DATA);
    }

    @Test
    void answersBelowAnInsecureDelegationAreInsecure() {
        assertThat(dns.queryValidated("mx.plain.example", DnsType.A)).isEqualTo(ValidatedAnswer.insecure(
            DnsAnswer.found(List.of("127.0.0.3"))));
    }

    @Test
    void expiredSignaturesAreATemporaryFailureSayingWhy() {
        ValidatedAnswer bogus = dns.queryValidated("mx.stale.example", DnsType.A);
        assertThat(bogus.secure()).isFalse();
        assertThat(bogus.answer().isTemporaryFailure()).isTrue();
        assertThat(bogus.answer().reason()).startsWith("SERVFAIL (DNSSEC validation failed: ")
            .contains("name=mx.stale.example type=A");
        // As a plain DnsLookup, the bogus answer is never data.
        assertThat(dns.query("mx.stale.example", DnsType.A).isTemporaryFailure()).isTrue();
    }

    @Test
    void aTrustAnchorFileWithoutAnchorsIsRefusedNamingTheParameter() throws Exception {
        Path empty = Files.writeString(directory.resolve("empty.key"), "; nothing\n");
        assertThatThrownBy(() -> new DnsjavaDnssecLookup(List.of(), empty, "postern_dnssec_trust_anchor_file"))
            .isInstanceOf(IllegalArgumentException.class)
            .hasMessage("postern_dnssec_trust_anchor_file: no DS or DNSKEY record in " + empty);
    }
}
