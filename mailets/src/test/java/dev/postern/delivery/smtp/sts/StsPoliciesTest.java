package dev.postern.delivery.smtp.sts;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.postern.delivery.smtp.tlsrpt.ResultType;
import dev.postern.dns.DnsAnswer;
import dev.postern.dns.DnsLookup;
import dev.postern.dns.DnsType;
import dev.postern.log.MailLog;

/** The lookup of RFC 8461 §5.1 with a fake DNS, a fake fetcher and the real disk cache. */
class StsPoliciesTest {
    private static final String ENFORCE = "version: STSv1\nmode: enforce\nmx: *.example.com\nmax_age: 3600\n";
    private static final String TESTING = "version: STSv1\nmode: testing\nmx: mx.example.com\nmax_age: 3600\n";

    @TempDir
    Path var;

    private final MovableClock clock = new MovableClock(Instant.parse("2026-12-07T10:00:00Z"));
    private final Map<String, DnsAnswer> txt = new HashMap<>();
    private final List<String> fetched = new ArrayList<>();
    private final Map<String, String> served = new HashMap<>();
    private final List<String> log = new ArrayList<>();

    private StsPolicies policies() {
        DnsLookup dns = (name, type) -> type == DnsType.TXT && txt.containsKey(name) ? txt.get(name)
            : DnsAnswer.noSuchName("none");
        PolicyFetcher fetcher = domain -> {
            fetched.add(domain);
            String text = served.get(domain);
            if (text == null) {
                throw new StsPolicyException("https://mta-sts." + domain + "/.well-known/mta-sts.txt: HTTP status 404");
            }
            return text;
        };
        return new StsPolicies(dns, fetcher, new StsPolicyCache(var.resolve("mta-sts"), clock),
            new MailLog("postern", "mx.test", clock, log::add), clock);
    }

    @Test
    void fetchedOnceCachedOnDiskAndFetchedAgainWhenTheIdChanges() throws Exception {
        txt.put("_mta-sts.example.com", DnsAnswer.found(List.of("v=STSv1; id=one;")));
        served.put("example.com", ENFORCE);

        assertThat(policies().lookup("example.com").policy()).get().extracting(StsPolicy::mode).isEqualTo(StsMode.ENFORCE);
        served.put("example.com", TESTING);
        assertThat(policies().lookup("example.com").policy()).as("same id: the cached policy, even in a new instance")
            .get().extracting(StsPolicy::mode).isEqualTo(StsMode.ENFORCE);
        assertThat(fetched).containsExactly("example.com");
        Path file = var.resolve("mta-sts/example.com.policy");
        assertThat(Files.readString(file)).startsWith("id: one\nfetched: " + clock.instant().getEpochSecond() + "\n\n" + ENFORCE);
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file))).isEqualTo("rw-------");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file.getParent()))).isEqualTo("rwx------");

        txt.put("_mta-sts.example.com", DnsAnswer.found(List.of("v=STSv1; id=two;")));
        assertThat(policies().lookup("example.com").policy()).get().extracting(StsPolicy::mode).isEqualTo(StsMode.TESTING);
        assertThat(fetched).containsExactly("example.com", "example.com");
    }

    @Test
    void theCachedPolicyOutlivesTheTxtRecordUntilItsMaxAge() {
        txt.put("_mta-sts.example.com", DnsAnswer.found(List.of("v=STSv1; id=one;")));
        served.put("example.com", ENFORCE);
        StsPolicies policies = policies();
        policies.lookup("example.com");
        txt.remove("_mta-sts.example.com");

        clock.advance(Duration.ofSeconds(3599));
        assertThat(policies.lookup("example.com").policy()).as("within max_age").isPresent();
        clock.advance(Duration.ofSeconds(1));
        assertThat(policies.lookup("example.com").policy()).as("max_age over").isEmpty();
    }

    @Test
    void aFailedFetchUsesAFreshCachedPolicyElseReportsAFetchErrorOrAnInvalidPolicy() {
        txt.put("_mta-sts.example.com", DnsAnswer.found(List.of("v=STSv1; id=one;")));
        served.put("example.com", ENFORCE);
        StsPolicies policies = policies();
        policies.lookup("example.com");
        txt.put("_mta-sts.example.com", DnsAnswer.found(List.of("v=STSv1; id=two;")));
        served.remove("example.com");

        StsPolicies.Lookup cached = policies.lookup("example.com");
        assertThat(cached.policy()).as("the fresh cached policy while the new one cannot be fetched").isPresent();
        assertThat(cached.error()).isEmpty();
        assertThat(log).anyMatch(l -> l.contains("MTA-STS policy of example.com (id=two) not fetched")
            && l.contains("HTTP status 404") && l.endsWith("using the cached policy"));

        txt.put("_mta-sts.other.example", DnsAnswer.found(List.of("v=STSv1; id=x;")));
        StsPolicies.Lookup missing = policies.lookup("other.example");
        assertThat(missing.policy()).isEmpty();
        assertThat(missing.error()).contains(ResultType.STS_POLICY_FETCH_ERROR);
        assertThat(missing.errorText()).contains("HTTP status 404");

        served.put("other.example", "version: STSv1\nmode: sometimes\n");
        StsPolicies.Lookup invalid = policies.lookup("other.example");
        assertThat(invalid.policy()).isEmpty();
        assertThat(invalid.error()).contains(ResultType.STS_POLICY_INVALID);
        assertThat(invalid.errorText()).contains("line 2: mode \"sometimes\"");
    }

    @Test
    void noTxtRecordAndNothingCachedIsNoPolicyWithoutAFetch() {
        StsPolicies.Lookup lookup = policies().lookup("example.org");
        assertThat(lookup.policy()).isEmpty();
        assertThat(lookup.error()).isEmpty();
        assertThat(fetched).isEmpty();
    }

    @Test
    void aDamagedCacheFileIsFetchedAgain() throws Exception {
        txt.put("_mta-sts.example.com", DnsAnswer.found(List.of("v=STSv1; id=one;")));
        served.put("example.com", ENFORCE);
        policies().lookup("example.com");
        Files.writeString(var.resolve("mta-sts/example.com.policy"), "garbage");

        assertThat(policies().lookup("example.com").policy()).isPresent();
        assertThat(fetched).hasSize(2);
    }

    /** A clock the test moves. */
    static final class MovableClock extends Clock {
        private Instant now;

        MovableClock(Instant now) {
            this.now = now;
        }

        void advance(Duration duration) {
            now = now.plus(duration);
        }

        @Override
        public java.time.ZoneId getZone() {
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
    }
}
