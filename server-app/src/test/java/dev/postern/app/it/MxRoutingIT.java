package dev.postern.app.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import dev.postern.app.harness.Await;
import dev.postern.app.harness.DeliveryLogLine;
import dev.postern.app.harness.DnsmasqServer;
import dev.postern.app.harness.PosternExtension;
import dev.postern.app.harness.PosternProcess;
import dev.postern.testing.smtp.SinkMessage;
import dev.postern.testing.smtp.SmtpSink;

/**
 * MX routing against a real DNS server (dnsmasq on 127.0.0.1, {@code postern_dns_servers}):
 * {@code smtp:domain:port} in transport_maps looks up the domain's MX hosts and keeps the port. The
 * preferred MX (127.0.0.5) has nothing listening, so the mail goes to the second; a domain without MX
 * gets its A record; a null MX and a name that does not exist bounce, in one report to the sender.
 */
class MxRoutingIT {
    private static final String H = "mx.mxrouting-it.test";
    private static final String SENDER = "alice@sender.test";
    private static final Duration WAIT = Duration.ofSeconds(60);

    @RegisterExtension
    final PosternExtension postern = new PosternExtension();

    @TempDir
    Path dnsDirectory;

    private DnsmasqServer dns;

    @AfterEach
    void stopDns() {
        if (dns != null) {
            dns.close();
        }
    }

    @Test
    void mxHostsInPreferenceOrderTheDomainsAddressWithoutMxAndBouncesForNullMxAndNxdomain() {
        SmtpSink sink = postern.newSink();
        int port = sink.port();
        dns = new DnsmasqServer(dnsDirectory)
            .record("mx-host=mx.test,mx1.mx.test,10")
            .record("mx-host=mx.test,mx2.mx.test,20")
            .a("mx1.mx.test", "127.0.0.5")
            .a("mx2.mx.test", "127.0.0.1")
            // host-record, not an A record alone: dnsmasq then knows the name exists and answers MX with NODATA
            .record("host-record=arec.test,127.0.0.1")
            .nullMx("nullmx.test")
            .start();
        PosternProcess server = postern.newServer().myhostname(H)
            .parameter("postern_dns_servers", dns.address())
            .parameter("transport_maps", "texthash:conf/transport")
            .writeConfFile("transport", String.join("\n",
                "mx.test        smtp:mx.test:" + port,
                "arec.test      smtp:arec.test:" + port,
                "nullmx.test    smtp:nullmx.test:" + port,
                "nx.test        smtp:nx.test:" + port,
                "sender.test    smtp:[127.0.0.1]:" + port,
                ""))
            .start();

        String queueId = TransportMapsIT.send(server, SENDER,
            List.of("bob@mx.test", "carol@arec.test", "dave@nullmx.test", "erin@nx.test"), "mx-1");

        List<SinkMessage> messages = sink.awaitMessages(3, WAIT);
        assertThat(messages).extracting(SinkMessage::recipients)
            .containsExactlyInAnyOrder(List.of("bob@mx.test"), List.of("carol@arec.test"), List.of(SENDER));

        DeliveryLogLine bob = TransportMapsIT.awaitLine(server, "bob@mx.test");
        assertThat(bob.status()).as(bob.line()).isEqualTo("sent");
        assertThat(bob.queueId()).isEqualTo(queueId);
        assertThat(bob.relay()).as("the second MX, with the port of the transport entry")
            .isEqualTo("mx2.mx.test[127.0.0.1]:" + port);
        DeliveryLogLine carol = TransportMapsIT.awaitLine(server, "carol@arec.test");
        assertThat(carol.status()).as(carol.line()).isEqualTo("sent");
        assertThat(carol.relay()).as("no MX: the domain's own address").isEqualTo("arec.test[127.0.0.1]:" + port);

        DeliveryLogLine dave = TransportMapsIT.awaitLine(server, "dave@nullmx.test");
        assertThat(dave.status()).as(dave.line()).isEqualTo("bounced");
        assertThat(dave.dsn()).isEqualTo("5.1.0");
        assertThat(dave.relay()).isEqualTo("none");
        assertThat(dave.text()).isEqualTo("Domain nullmx.test does not accept mail (nullMX)");
        DeliveryLogLine erin = TransportMapsIT.awaitLine(server, "erin@nx.test");
        assertThat(erin.status()).as(erin.line()).isEqualTo("bounced");
        assertThat(erin.dsn()).isEqualTo("5.4.4");
        assertThat(erin.text()).isEqualTo(
            "Host or domain name not found. Name service error for name=nx.test type=MX: Host not found");

        SinkMessage bounce = messages.stream().filter(m -> m.recipients().equals(List.of(SENDER))).findFirst().orElseThrow();
        assertThat(bounce.sender()).isEmpty();
        assertThat(bounce.contentAsString())
            .as("one report for both failed recipients")
            .contains("X-Postfix-Queue-ID: " + queueId)
            .contains("Final-Recipient: rfc822; dave@nullmx.test\r\nAction: failed\r\nStatus: 5.1.0")
            .contains("Final-Recipient: rfc822; erin@nx.test\r\nAction: failed\r\nStatus: 5.4.4")
            .doesNotContain("Final-Recipient: rfc822; bob@mx.test")
            .doesNotContain("Final-Recipient: rfc822; carol@arec.test");

        String dnsLog = dns.log();
        assertThat(dnsLog).as("the preferred MX host was looked up, and first: %s", dnsLog).contains("mx1.mx.test");
        assertThat(dnsLog.indexOf("query[A] mx1.mx.test")).as(dnsLog)
            .isGreaterThanOrEqualTo(0)
            .isLessThan(dnsLog.indexOf("query[A] mx2.mx.test"));
        Await.holdsFor("two deliveries and one bounce, nothing more", Duration.ofSeconds(2), () -> sink.messageCount() == 3);
    }
}
