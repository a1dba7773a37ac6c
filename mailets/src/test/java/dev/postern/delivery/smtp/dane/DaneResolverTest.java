package dev.postern.delivery.smtp.dane;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import dev.postern.delivery.smtp.dane.DaneVerdict.Kind;
import dev.postern.dns.DnsAnswer;
import dev.postern.dns.DnsType;
import dev.postern.dns.DnssecLookup;
import dev.postern.dns.ValidatedAnswer;

/** RFC 7672 section 2: which lookups decide a connection's DANE verdict, with answers the test sets. */
class DaneResolverTest {
    private static final String KEY = "3 1 1 " + "0a".repeat(32);

    private final FakeDnssec dns = new FakeDnssec();
    private final DaneResolver resolver = new DaneResolver(dns);

    private DaneVerdict viaMx() {
        return resolver.verdict("example.com", true, "mx.example.com", "192.0.2.1", 25, "mx.example.com[192.0.2.1]:25");
    }

    private void secureMxAndAddress() {
        dns.secure("example.com", DnsType.MX, DnsAnswer.foundMx(List.of("mx.example.com"), List.of(10)));
        dns.secure("mx.example.com", DnsType.A, DnsAnswer.found(List.of("192.0.2.1")));
    }

    @Test
    void usableRecordsOfTheMxHostAuthenticate() {
        secureMxAndAddress();
        dns.secure("_25._tcp.mx.example.com", DnsType.TLSA, DnsAnswer.found(List.of(KEY)));

        DaneVerdict verdict = viaMx();
        assertThat(verdict.kind()).isEqualTo(Kind.AUTHENTICATE);
        assertThat(verdict.trust()).isPresent();
        assertThat(dns.asked).containsExactly("example.com MX", "mx.example.com A", "_25._tcp.mx.example.com TLSA");
    }

    @Test
    void anInsecureMxRrsetMeansNoDaneWithoutAskingForTlsa() {
        dns.insecure("example.com", DnsType.MX, DnsAnswer.foundMx(List.of("mx.example.com"), List.of(10)));

        DaneVerdict verdict = viaMx();
        assertThat(verdict.kind()).isEqualTo(Kind.NO_DANE);
        assertThat(verdict.reason()).isEqualTo("the MX records of example.com are not DNSSEC-validated");
        assertThat(dns.asked).doesNotContain("_25._tcp.mx.example.com TLSA");
    }

    @Test
    void anInsecureAddressMeansNoDane() {
        dns.secure("example.com", DnsType.MX, DnsAnswer.foundMx(List.of("mx.example.com"), List.of(10)));
        dns.insecure("mx.example.com", DnsType.A, DnsAnswer.found(List.of("192.0.2.1")));

        assertThat(viaMx().kind()).isEqualTo(Kind.NO_DANE);
        assertThat(dns.asked).doesNotContain("_25._tcp.mx.example.com TLSA");
    }

    @Test
    void aFailedTlsaLookupDefers() {
        secureMxAndAddress();
        dns.insecure("_25._tcp.mx.example.com", DnsType.TLSA, DnsAnswer.temporaryFailure("SERVFAIL (DNSSEC validation failed: x)"));

        DaneVerdict verdict = viaMx();
        assertThat(verdict.kind()).isEqualTo(Kind.DEFER);
        assertThat(verdict.reason()).isEqualTo("TLSA lookup error for _25._tcp.mx.example.com: SERVFAIL (DNSSEC validation failed: x)");
    }

    @Test
    void noTlsaRecordsOrInsecureOnesMeanNoDane() {
        secureMxAndAddress();
        dns.secure("_25._tcp.mx.example.com", DnsType.TLSA, DnsAnswer.noSuchName("Host not found"));
        assertThat(viaMx().kind()).isEqualTo(Kind.NO_DANE);

        dns.insecure("_25._tcp.mx.example.com", DnsType.TLSA, DnsAnswer.found(List.of(KEY)));
        assertThat(viaMx().kind()).isEqualTo(Kind.NO_DANE);
    }

    @Test
    void onlyUnusableRecordsMeanTlsWithoutAuthentication() {
        secureMxAndAddress();
        dns.secure("_25._tcp.mx.example.com", DnsType.TLSA, DnsAnswer.found(List.of("1 1 1 " + "0a".repeat(32),
            "0 0 1 " + "0a".repeat(32))));

        assertThat(viaMx().kind()).isEqualTo(Kind.ENCRYPT);
    }

    /** A [host] next hop has no MX lookup: its own name is the TLSA base domain, on the port connected to. */
    @Test
    void aHostWithoutMxIsItsOwnBaseDomain() {
        dns.secure("relay.example.net", DnsType.AAAA, DnsAnswer.found(List.of("2001:db8::1")));
        dns.secure("_587._tcp.relay.example.net", DnsType.TLSA, DnsAnswer.found(List.of(KEY)));

        DaneVerdict verdict = resolver.verdict("relay.example.net", false, "relay.example.net", "2001:db8::1", 587,
            "relay.example.net[2001:db8::1]:587");
        assertThat(verdict.kind()).isEqualTo(Kind.AUTHENTICATE);
        assertThat(dns.asked).containsExactly("relay.example.net AAAA", "_587._tcp.relay.example.net TLSA");
    }

    @Test
    void anAddressNextHopHasNoDane() {
        assertThat(resolver.verdict("192.0.2.7", false, "192.0.2.7", "192.0.2.7", 25, "192.0.2.7[192.0.2.7]:25").kind())
            .isEqualTo(Kind.NO_DANE);
        assertThat(dns.asked).isEmpty();
    }

    /** Answers by "name TYPE"; anything else is a temporary failure, so a forgotten answer cannot pass unnoticed. */
    private static final class FakeDnssec implements DnssecLookup {
        final Map<String, ValidatedAnswer> answers = new HashMap<>();
        final List<String> asked = new ArrayList<>();

        void secure(String name, DnsType type, DnsAnswer answer) {
            answers.put(name + " " + type, ValidatedAnswer.secure(answer));
        }

        void insecure(String name, DnsType type, DnsAnswer answer) {
            answers.put(name + " " + type, ValidatedAnswer.insecure(answer));
        }

        @Override
        public ValidatedAnswer queryValidated(String name, DnsType type) {
            asked.add(name + " " + type);
            return answers.getOrDefault(name + " " + type,
                ValidatedAnswer.insecure(DnsAnswer.temporaryFailure("no answer set for " + name + " " + type)));
        }
    }
}
