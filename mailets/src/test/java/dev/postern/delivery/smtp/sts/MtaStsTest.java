package dev.postern.delivery.smtp.sts;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.postern.delivery.smtp.Outcome;
import dev.postern.delivery.smtp.Target;
import dev.postern.delivery.smtp.TlsLevel;
import dev.postern.delivery.smtp.tlsrpt.ReportPolicy;
import dev.postern.delivery.smtp.tlsrpt.TlsResults;
import dev.postern.dns.DnsAnswer;
import dev.postern.dns.DnsType;
import dev.postern.log.MailLog;

/** What a policy does to one delivery: hosts, TLS level, deferral, and the sessions counted. */
class MtaStsTest {
    private static final Clock CLOCK = Clock.fixed(Instant.parse("2026-12-07T10:00:00Z"), ZoneOffset.UTC);
    private static final Target MX1 = Target.tcp("mx1.example.com", "192.0.2.1", 25, "example.com");
    private static final Target OTHER = Target.tcp("mx.elsewhere.net", "192.0.2.2", 25, "example.com");

    @TempDir
    Path var;

    private final Map<String, String> served = new HashMap<>();
    private final List<String> log = new ArrayList<>();
    private final List<String> counted = new ArrayList<>();

    private MtaSts sts() {
        StsPolicies policies = new StsPolicies(
            (name, type) -> type == DnsType.TXT && served.containsKey(name.replace("_mta-sts.", ""))
                ? DnsAnswer.found(List.of("v=STSv1; id=1;")) : DnsAnswer.noSuchName("none"),
            domain -> {
                if (served.get(domain).isEmpty()) {
                    throw new StsPolicyException("https://mta-sts." + domain + "/.well-known/mta-sts.txt: HTTP status 500");
                }
                return served.get(domain);
            },
            new StsPolicyCache(var.resolve("mta-sts"), CLOCK), new MailLog("postern", "mx.test", CLOCK, log::add), CLOCK);
        TlsResults results = new TlsResults() {
            @Override
            public void success(ReportPolicy policy) {
                counted.add(policy.domain() + " success");
            }

            @Override
            public void failure(ReportPolicy policy, Failure failure) {
                counted.add(policy.domain() + " " + policy.type() + " " + failure.type().keyword() + " " + failure.mxHost());
            }
        };
        return new MtaSts(true, policies, StsTrust.fromCaFile(""), results, new MailLog("postern", "mx.test", CLOCK, log::add));
    }

    @Test
    void enforceKeepsOnlyPolicyHostsAtLevelVerifyAndDefersWhenNoneIsLeft() {
        served.put("example.com", "version: STSv1\nmode: enforce\nmx: *.example.com\nmax_age: 600\n");
        MtaSts sts = sts();

        MtaSts.Plan plan = sts.plan("example.com", List.of(OTHER, MX1), TlsLevel.NONE, false);
        assertThat(plan.applies()).isTrue();
        assertThat(plan.deferral()).isEmpty();
        assertThat(plan.targets()).containsExactly(MX1);
        assertThat(plan.level()).contains(TlsLevel.VERIFY);
        assertThat(plan.cacheKey()).isNotEmpty();
        assertThat(counted).containsExactly("example.com sts validation-failure mx.elsewhere.net");

        MtaSts.Plan none = sts.plan("example.com", List.of(OTHER), TlsLevel.MAY, false);
        assertThat(none.deferral()).get().asString()
            .isEqualTo("MTA-STS policy of example.com (enforce) allows none of its MX hosts (mx.elsewhere.net; mx: *.example.com)");
        assertThat(log).anyMatch(l -> l.endsWith("MTA-STS policy of example.com (enforce): MX host mx.elsewhere.net matches"
            + " no mx pattern (*.example.com), not used"));
    }

    @Test
    void sessionsAreCountedAMissingStarttlsIsAFailureInTestingMode() {
        served.put("example.com", "version: STSv1\nmode: testing\nmx: mx1.example.com\nmax_age: 600\n");
        MtaSts.Plan plan = sts().plan("example.com", List.of(MX1), TlsLevel.NONE, false);
        assertThat(plan.targets()).containsExactly(MX1);
        assertThat(plan.level()).as("testing tries STARTTLS, never requires it").contains(TlsLevel.MAY);

        plan.observer().opened(MX1);
        plan.observer().failed(MX1, Outcome.failure(false, "4.4.1", "connect to mx1.example.com[192.0.2.1]:25: Connection refused"));
        assertThat(counted).containsExactly("example.com sts starttls-not-supported mx1.example.com");
        assertThat(log).anyMatch(l -> l.contains("MTA-STS policy of example.com (testing) would have refused"
            + " mx1.example.com[192.0.2.1]: starttls-not-supported"));
    }

    @Test
    void enforceCountsARequiredStarttlsThatWasNotOffered() {
        served.put("example.com", "version: STSv1\nmode: enforce\nmx: mx1.example.com\nmax_age: 600\n");
        MtaSts.Plan plan = sts().plan("example.com", List.of(MX1), TlsLevel.NONE, false);
        plan.observer().failed(MX1, Outcome.failure(false, "4.7.4",
            "TLS is required, but was not offered by host mx1.example.com[192.0.2.1]"));
        assertThat(counted).containsExactly("example.com sts starttls-not-supported mx1.example.com");
    }

    /** The SMTP client's texts for a refused certificate (ServerCertificate) count as validation failures. */
    @Test
    void enforceCountsTheClientsCertificateRefusals() {
        served.put("example.com", "version: STSv1\nmode: enforce\nmx: mx1.example.com\nmax_age: 600\n");
        MtaSts.Plan plan = sts().plan("example.com", List.of(MX1), TlsLevel.NONE, false);
        plan.observer().failed(MX1, Outcome.failure(false, "4.7.5",
            "Server certificate not trusted: host mx1.example.com[192.0.2.1]: PKIX path building failed"));
        plan.observer().failed(MX1, Outcome.failure(false, "4.7.5",
            "Server certificate not verified: host mx1.example.com[192.0.2.1]: certificate names [a.example] match none"
                + " of [mx1.example.com]"));
        assertThat(counted).containsExactly("example.com sts validation-failure mx1.example.com",
            "example.com sts validation-failure mx1.example.com");
    }

    @Test
    void daneStricterLevelsModeNoneAndDomainsWithoutPolicyAreLeftAsTheyAre() {
        served.put("example.com", "version: STSv1\nmode: enforce\nmx: *.example.com\nmax_age: 600\n");
        served.put("withdrawn.example", "version: STSv1\nmode: none\nmax_age: 600\n");
        MtaSts sts = sts();

        assertThat(sts.plan("example.com", List.of(OTHER), TlsLevel.MAY, true).applies()).as("DANE takes precedence").isFalse();
        assertThat(sts.plan("example.com", List.of(OTHER), TlsLevel.SECURE, false).applies()).isFalse();
        assertThat(sts.plan("example.com", List.of(OTHER), TlsLevel.DANE_ONLY, false).applies()).isFalse();
        assertThat(sts.plan("withdrawn.example", List.of(OTHER), TlsLevel.MAY, false).applies()).isFalse();
        assertThat(sts.plan("nopolicy.example", List.of(OTHER), TlsLevel.MAY, false).targets()).containsExactly(OTHER);
        assertThat(MtaSts.disabled().plan("example.com", List.of(OTHER), TlsLevel.MAY, false).applies()).isFalse();
        assertThat(counted).isEmpty();
    }

    @Test
    void aPolicyThatCannotBeFetchedIsReportedAsNoPolicyFound() {
        served.put("broken.example", "");
        MtaSts.Plan plan = sts().plan("broken.example", List.of(OTHER), TlsLevel.MAY, false);
        assertThat(plan.applies()).isFalse();
        assertThat(counted).containsExactly("broken.example no-policy-found sts-policy-fetch-error ");
    }
}
