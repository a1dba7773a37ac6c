package dev.postern.smtpd;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import org.apache.james.protocols.smtp.SMTPSession;
import org.junit.jupiter.api.Test;

import dev.postern.dns.ClientHostname;
import dev.postern.dns.ClientHostnameResolver;
import dev.postern.dns.DnsAnswer;
import dev.postern.dns.DnsLookup;
import dev.postern.dns.HostsFile;

/** The client as Postfix names it, NAME[IP]: looked up once per connection, read by every handler after. */
class ClientIdentityTest {
    private final AtomicInteger queries = new AtomicInteger();
    private final DnsLookup dns = (name, type) -> {
        queries.incrementAndGet();
        return switch (name + " " + type) {
            case "10.2.0.192.in-addr.arpa PTR" -> DnsAnswer.found(List.of("mail.client.example"));
            case "mail.client.example A" -> DnsAnswer.found(List.of("192.0.2.10"));
            case "11.2.0.192.in-addr.arpa PTR" -> DnsAnswer.found(List.of("forged.example"));
            default -> DnsAnswer.noSuchName("no " + name);
        };
    };
    private final ClientIdentity identity = new ClientIdentity(new ClientHostnameResolver(dns, HostsFile.parse(List.of())));

    @Test
    void beforeTheLookupTheClientIsUnknownAndTheStatusTemporary() {
        SMTPSession session = FakeSmtpSession.client("192.0.2.10").session();

        assertThat(ClientIdentity.of(session)).isEqualTo("unknown[192.0.2.10]");
        assertThat(ClientIdentity.hostname(session).nameStatus()).isEqualTo(ClientHostname.Status.TEMPORARY);
        assertThat(queries).hasValue(0);
    }

    @Test
    void theNameIsLookedUpOncePerConnection() {
        SMTPSession session = FakeSmtpSession.client("192.0.2.10").session();

        identity.resolve(session, warning -> { });
        int afterFirst = queries.get();
        identity.resolve(session, warning -> { });

        assertThat(ClientIdentity.of(session)).isEqualTo("mail.client.example[192.0.2.10]");
        assertThat(ClientIdentity.name(session)).isEqualTo("mail.client.example");
        assertThat(queries).hasValue(afterFirst);
    }

    @Test
    void aNameThatDoesNotResolveBackIsUnknownWithPostfixsWarning() {
        SMTPSession session = FakeSmtpSession.client("192.0.2.11").session();
        List<String> warnings = new ArrayList<>();

        identity.resolve(session, warnings::add);

        assertThat(ClientIdentity.of(session)).isEqualTo("unknown[192.0.2.11]");
        assertThat(warnings).containsExactly("hostname forged.example does not resolve to address 192.0.2.11:"
            + " Name or service not known");
    }

    @Test
    void anIpv6AddressIsWrittenInItsCanonicalForm() {
        SMTPSession session = FakeSmtpSession.client("2001:0db8:0000:0000:0000:0000:0000:0001").session();

        assertThat(ClientIdentity.address(session)).isEqualTo("2001:db8::1");
    }
}
