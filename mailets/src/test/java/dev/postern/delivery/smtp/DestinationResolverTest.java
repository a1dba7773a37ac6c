package dev.postern.delivery.smtp;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.List;
import java.util.Set;

import org.junit.jupiter.api.Test;

import dev.postern.delivery.RecipientResult.Status;
import dev.postern.delivery.smtp.DestinationResolver.Resolution;
import dev.postern.delivery.smtp.Fixtures.FakeDns;
import dev.postern.dns.DnsAnswer;
import dev.postern.dns.DnsType;

class DestinationResolverTest {
    private final FakeDns dns = new FakeDns();
    private final DestinationResolver resolver = new DestinationResolver(dns);

    private Resolution resolve(String nexthop, String domain) {
        return resolver.resolve(NextHop.parseList(nexthop, domain, 25), true);
    }

    @Test
    void mxHostsComeInPreferenceOrderWithEachAddress() {
        dns.with("example.com", DnsType.MX, "mx1.example.com", "mx2.example.com")
            .with("mx1.example.com", DnsType.A, "192.0.2.1")
            .with("mx1.example.com", DnsType.AAAA, "2001:db8::1")
            .with("mx2.example.com", DnsType.A, "192.0.2.2");

        assertThat(resolve("", "example.com").targets()).extracting(Target::relay).containsExactly(
            "mx1.example.com[192.0.2.1]:25", "mx1.example.com[2001:db8::1]:25", "mx2.example.com[192.0.2.2]:25");
    }

    @Test
    void aDomainWithoutMxIsItsOwnMailHost() {
        dns.with("example.com", DnsType.MX, DnsAnswer.noData("no MX"))
            .with("example.com", DnsType.A, "192.0.2.9");

        assertThat(resolve("example.com:587", "ignored.test").targets()).extracting(Target::relay)
            .containsExactly("example.com[192.0.2.9]:587");
    }

    @Test
    void theNullMxBounces() {
        dns.with("example.com", DnsType.MX, "");

        Resolution resolution = resolve("", "example.com");
        assertThat(resolution.targets()).isEmpty();
        assertThat(resolution.failure()).get().satisfies(f -> {
            assertThat(f.status()).isEqualTo(Status.BOUNCED);
            assertThat(f.dsn()).isEqualTo("5.1.0");
            assertThat(f.text()).isEqualTo("Domain example.com does not accept mail (nullMX)");
        });
    }

    @Test
    void aDomainThatDoesNotExistBounces() {
        assertThat(resolve("", "nx.example").failure()).get().satisfies(f -> {
            assertThat(f.status()).isEqualTo(Status.BOUNCED);
            assertThat(f.dsn()).isEqualTo("5.4.4");
            assertThat(f.text()).isEqualTo("Host or domain name not found. Name service error for name=nx.example type=MX:"
                + " Host not found");
        });
    }

    @Test
    void aDnsFailureDefers() {
        dns.with("example.com", DnsType.MX, DnsAnswer.temporaryFailure("SERVFAIL"));

        assertThat(resolve("", "example.com").failure()).get().satisfies(f -> {
            assertThat(f.status()).isEqualTo(Status.DEFERRED);
            assertThat(f.dsn()).isEqualTo("4.4.3");
            assertThat(f.text()).isEqualTo("Host or domain name not found. Name service error for name=example.com"
                + " type=MX: Host not found, try again");
        });
    }

    @Test
    void mxHostsWithoutAddressesAreSkipped() {
        dns.with("example.com", DnsType.MX, "gone.example.com", "mx2.example.com")
            .with("mx2.example.com", DnsType.A, "192.0.2.2");

        assertThat(resolve("", "example.com").targets()).extracting(Target::hostname).containsExactly("mx2.example.com");
    }

    @Test
    void anMxHostWhoseLookupFailsDefersWhenNoOtherHasAnAddress() {
        dns.with("example.com", DnsType.MX, "gone.example.com", "slow.example.com")
            .with("slow.example.com", DnsType.A, DnsAnswer.temporaryFailure("timeout"));

        assertThat(resolve("", "example.com").failure()).get().extracting(Outcome::dsn).isEqualTo("4.4.3");
    }

    @Test
    void bracketsAndAddressesSkipMx() {
        dns.with("smarthost.test", DnsType.A, "192.0.2.7");

        assertThat(resolve("[smarthost.test]:587, [192.0.2.8], [ipv6:2001:db8::8]:26", "x.test").targets())
            .extracting(Target::relay)
            .containsExactly("smarthost.test[192.0.2.7]:587", "192.0.2.8[192.0.2.8]:25", "2001:db8::8[2001:db8::8]:26");
        assertThat(dns.asked).noneMatch(q -> q.endsWith(" MX")).doesNotContain("192.0.2.8 A");
    }

    @Test
    void aTemporaryFailureOfOneHopOutweighsAPermanentOneOfAnother() {
        dns.with("slow.test", DnsType.MX, DnsAnswer.temporaryFailure("timeout"));

        Resolution resolution = resolve("nx.test, slow.test", "x.test");
        assertThat(resolution.failure()).get().extracting(Outcome::status).isEqualTo(Status.DEFERRED);
        assertThat(List.of(resolution.targets())).containsExactly(List.of());
    }

    /** This server is 192.0.2.25 (and, through a NAT, 198.51.100.25). */
    private Resolution resolveAsSelf(String nexthop, String domain) throws UnknownHostException {
        DestinationResolver self = new DestinationResolver(dns,
            Set.of(InetAddress.getByName("192.0.2.25"), InetAddress.getByName("198.51.100.25")));
        return self.resolve(NextHop.parseList(nexthop, domain, 25), true);
    }

    @Test
    void aBackupMxDropsItselfAndEveryHostNotMorePreferred() throws UnknownHostException {
        dns.with("example.com", DnsType.MX, DnsAnswer.foundMx(
                List.of("mx1.example.com", "mx2.example.com", "backup.example.com", "mx3.example.com"), List.of(10, 20, 30, 30)))
            .with("mx1.example.com", DnsType.A, "192.0.2.1")
            .with("mx2.example.com", DnsType.A, "192.0.2.2")
            .with("backup.example.com", DnsType.A, "198.51.100.25")
            .with("mx3.example.com", DnsType.A, "192.0.2.3");

        assertThat(resolveAsSelf("", "example.com").targets()).extracting(Target::hostname)
            .containsExactly("mx1.example.com", "mx2.example.com");
        assertThat(resolve("", "example.com").targets()).as("without loop detection").hasSize(4);
    }

    @Test
    void theBestMxBeingThisServerIsALoop() throws UnknownHostException {
        dns.with("example.com", DnsType.MX, DnsAnswer.foundMx(List.of("me.example.com", "mx2.example.com"), List.of(10, 20)))
            .with("me.example.com", DnsType.A, "192.0.2.25")
            .with("mx2.example.com", DnsType.A, "192.0.2.2");

        assertThat(resolveAsSelf("", "example.com").failure()).get().satisfies(f -> {
            assertThat(f.status()).isEqualTo(Status.BOUNCED);
            assertThat(f.dsn()).isEqualTo("5.4.6");
            assertThat(f.text()).isEqualTo("mail for example.com loops back to myself");
        });
    }

    @Test
    void aBackupMxWhosePrimaryHasNoAddressNowWaitsForIt() throws UnknownHostException {
        dns.with("example.com", DnsType.MX, DnsAnswer.foundMx(List.of("gone.example.com", "me.example.com"), List.of(10, 20)))
            .with("me.example.com", DnsType.A, "192.0.2.25");

        assertThat(resolveAsSelf("", "example.com").failure()).get().satisfies(f -> {
            assertThat(f.status()).isEqualTo(Status.DEFERRED);
            assertThat(f.dsn()).isEqualTo("4.4.4");
            assertThat(f.text()).isEqualTo("unable to find primary relay for example.com");
        });
    }

    @Test
    void aHostWithoutMxOrARelayhostThatIsThisServerIsALoop() throws UnknownHostException {
        dns.with("example.com", DnsType.MX, DnsAnswer.noData("no MX"))
            .with("example.com", DnsType.A, "192.0.2.25");

        assertThat(resolveAsSelf("", "example.com").failure()).get().extracting(Outcome::dsn, Outcome::text)
            .containsExactly("5.4.6", "mail for example.com loops back to myself");
        assertThat(resolveAsSelf("[192.0.2.25]", "x.test").failure()).get().extracting(Outcome::text)
            .isEqualTo("mail for 192.0.2.25 loops back to myself");
    }

    @Test
    void anotherPortIsAnotherServiceSoNoLoop() throws UnknownHostException {
        dns.with("example.com", DnsType.MX, DnsAnswer.foundMx(List.of("me.example.com"), List.of(10)))
            .with("me.example.com", DnsType.A, "192.0.2.25");

        assertThat(resolveAsSelf("example.com:10025", "x.test").targets()).extracting(Target::relay)
            .containsExactly("me.example.com[192.0.2.25]:10025");
        assertThat(resolveAsSelf("[192.0.2.25]:10025", "x.test").targets()).hasSize(1);
    }
}
