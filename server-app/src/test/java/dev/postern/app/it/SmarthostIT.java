package dev.postern.app.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import dev.postern.app.harness.Await;
import dev.postern.app.harness.DeliveryLogLine;
import dev.postern.app.harness.PosternExtension;
import dev.postern.app.harness.PosternProcess;
import dev.postern.app.harness.TestMessages;
import dev.postern.testing.smtp.SinkMessage;
import dev.postern.testing.smtp.SmtpSink;

/**
 * A smarthost that requires STARTTLS and AUTH: a second Postern instance whose submission listener
 * relays only for authenticated clients, after TLS. The first instance sends through it with
 * {@code relayhost = [127.0.0.1]:PORT}, {@code smtp_tls_security_level = encrypt} and a password from
 * {@code smtp_sasl_password_maps} keyed by the next hop as written; a wrong password keeps the mail
 * deferred (Postfix's 4.7.0), it never bounces.
 */
class SmarthostIT {
    private static final String SMARTHOST = "smarthost.smarthost-it.test";
    private static final String USER = "relay@" + SMARTHOST;
    private static final String PASSWORD = "s3cret:with colon";
    private static final String SENDER = "alice@client.example";
    private static final String RECIPIENT = "friend@remote.example";
    private static final Duration WAIT = Duration.ofSeconds(60);

    @RegisterExtension
    final PosternExtension postern = new PosternExtension();

    @Test
    void mailGoesThroughTheSmarthostOverTlsWithAuthAndAWrongPasswordOnlyDefers() {
        SmtpSink sink = postern.newSink();
        PosternProcess smarthost = postern.newServer().myhostname(SMARTHOST).relayhost(sink);
        String nexthop = "[127.0.0.1]:" + smarthost.submissionPort();
        PosternProcess client = sender("mx.client-it.test", nexthop, PASSWORD);
        PosternProcess wrong = sender("mx.wrong-it.test", nexthop, "not the password")
            .parameter("minimal_backoff_time", "1s")
            .parameter("maximal_backoff_time", "2s");
        smarthost.launch();
        client.launch();
        wrong.launch();
        smarthost.awaitReady();
        client.awaitReady();
        wrong.awaitReady();
        smarthost.webAdmin().putUser(USER, PASSWORD);

        String queueId = TransportMapsIT.send(client, SENDER, List.of(RECIPIENT), "smarthost-1");

        SinkMessage message = sink.awaitMessages(1, WAIT).get(0);
        assertThat(message.sender()).isEqualTo(SENDER);
        assertThat(message.recipients()).containsExactly(RECIPIENT);
        assertThat(TestMessages.token(message)).contains("smarthost-1");
        List<String> received = message.headerValues("Received");
        assertThat(received).as("the smarthost's Received: on top of the first instance's").hasSizeGreaterThanOrEqualTo(2);
        assertThat(received.get(0)).contains("by " + SMARTHOST);
        assertThat(received.get(1)).contains("by mx.client-it.test").contains(queueId);

        DeliveryLogLine sent = TransportMapsIT.awaitLine(client, RECIPIENT);
        assertThat(sent.queueId()).isEqualTo(queueId);
        assertThat(sent.status()).as(sent.line()).isEqualTo("sent");
        assertThat(sent.relay()).isEqualTo("127.0.0.1[127.0.0.1]:" + smarthost.submissionPort());
        smarthost.awaitMaillogLine("the smarthost's client line with the SASL login", WAIT,
            line -> line.contains("postern/submission/smtpd[") && line.contains(": client=")
                && line.endsWith(", sasl_username=" + USER));

        String wrongId = TransportMapsIT.send(wrong, SENDER, List.of(RECIPIENT), "smarthost-2");
        List<DeliveryLogLine> attempts = Await.value("two deferred attempts with the wrong password", WAIT,
            () -> DeliveryLogLine.of(wrong, RECIPIENT), lines -> lines.size() >= 2);
        assertThat(attempts).allSatisfy(line -> {
            assertThat(line.queueId()).as(line.line()).isEqualTo(wrongId);
            assertThat(line.status()).as(line.line()).isEqualTo("deferred");
            assertThat(line.dsn()).as(line.line()).isEqualTo("4.7.0");
            assertThat(line.text()).as(line.line()).startsWith("SASL authentication failed; server 127.0.0.1[127.0.0.1] said: 535");
        });
        assertThat(wrong.maillogLines()).as("never bounced")
            .noneMatch(line -> line.contains("status=bounced") || line.contains("non-delivery notification"));
        smarthost.awaitMaillogLine("the smarthost's warning about the failed login", WAIT,
            line -> line.contains("postern/submission/smtpd[") && line.contains("authentication failed"));
        Await.holdsFor("only the authenticated client's message is relayed", Duration.ofSeconds(2),
            () -> sink.messageCount() == 1);
    }

    /** An instance that relays everything through the smarthost with that password. */
    private PosternProcess sender(String hostname, String nexthop, String password) {
        return postern.newServer().myhostname(hostname)
            .parameter("relayhost", nexthop)
            .parameter("smtp_tls_security_level", "encrypt")
            .parameter("smtp_sasl_auth_enable", "yes")
            .parameter("smtp_sasl_password_maps", "texthash:conf/sasl_passwd")
            .writeConfFile("sasl_passwd", "# keyed by the next hop exactly as relayhost writes it\n"
                + nexthop + "    " + USER + ":" + password + "\n");
    }
}
