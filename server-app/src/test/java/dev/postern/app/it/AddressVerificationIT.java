package dev.postern.app.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import dev.postern.app.harness.Await;
import dev.postern.app.harness.ClientReply;
import dev.postern.app.harness.PosternExtension;
import dev.postern.app.harness.PosternProcess;
import dev.postern.app.harness.SmtpClient;
import dev.postern.testing.smtp.SinkTranscript;
import dev.postern.testing.smtp.SmtpSink;

/**
 * reject_unverified_recipient end to end: one Postern whose relayhost is a sink that refuses
 * {@code bad@} with 550 5.1.1 at RCPT TO and accepts everyone else. A first RCPT TO of an address is
 * "in progress" (address_verify_poll_count = 1); the probe goes through the queue to the sink, which
 * sees MAIL FROM:&lt;double-bounce@...&gt; and RCPT TO only, never DATA; then the bad address is
 * rejected with the sink's own reply and the good one accepted, and the answers survive a restart.
 */
class AddressVerificationIT {
    private static final String HOST = "mx.verify-it.test";
    private static final String BAD = "bad@remote.example";
    private static final String GOOD = "good@remote.example";
    private static final Duration WAIT = Duration.ofSeconds(30);

    @RegisterExtension
    static final PosternExtension postern = new PosternExtension();

    private static SmtpSink sink;
    private static PosternProcess server;

    @BeforeAll
    static void start() {
        sink = postern.newSink();
        sink.setRcptReply(recipient -> recipient.equals(BAD) ? "550 5.1.1 <" + BAD + ">: Recipient address rejected: no such user"
            : "250 2.1.5 Ok");
        server = postern.newServer().myhostname(HOST).mynetworks("127.0.0.0/8").relayhost(sink)
            .parameter("smtpd_recipient_restrictions", "reject_unverified_recipient, permit_mynetworks, reject_unauth_destination")
            .parameter("address_verify_poll_count", "1");
        server.start();
    }

    private static ClientReply rcpt(String recipient) {
        try (SmtpClient client = server.connect()) {
            client.ehlo("client.verify-it.test");
            assertThat(client.mailFrom("alice@client.verify-it.test").code()).isEqualTo(250);
            ClientReply reply = client.rcptTo(recipient);
            client.quit();
            return reply;
        }
    }

    @Test
    void posternCheckAcceptsTheConfiguration() {
        dev.postern.app.harness.ExitResult check = server.runCommand("check");

        assertThat(check.exitCode()).as("%s", check).isZero();
        assertThat(check.stderr()).as("%s", check).doesNotContain("reject_unverified_recipient");
    }

    @Test
    void theNextHopsAnswerToAProbeDecidesAndSurvivesARestart() {
        assertThat(rcpt(BAD).full()).isEqualTo("450 4.1.1 <" + BAD + ">: Recipient address rejected: unverified address:"
            + " Address verification in progress");

        ClientReply rejected = Await.value("the probe's answer for " + BAD, WAIT, () -> rcpt(BAD),
            reply -> !reply.full().contains("in progress"));
        assertThat(rejected.full()).isEqualTo("450 4.1.1 <" + BAD + ">: Recipient address rejected: undeliverable address:"
            + " host 127.0.0.1[127.0.0.1] said: 550 5.1.1 <" + BAD + ">: Recipient address rejected: no such user"
            + " (in reply to RCPT TO command)");
        ClientReply accepted = Await.value("the probe's answer for " + GOOD, WAIT, () -> rcpt(GOOD),
            reply -> !reply.full().contains("in progress"));
        assertThat(accepted.code()).as(accepted.full()).isEqualTo(250);

        sink.awaitIdle();
        assertThat(sink.messageCount()).as("a probe never delivers").isZero();
        List<String> commands = sink.connections().stream().map(SinkTranscript::lines).flatMap(List::stream).toList();
        assertThat(commands).contains("RCPT TO:<" + BAD + ">", "RCPT TO:<" + GOOD + ">")
            .anyMatch(line -> line.startsWith("MAIL FROM:<double-bounce@" + HOST + ">"))
            .noneMatch(line -> line.equalsIgnoreCase("DATA"));
        server.awaitMaillogLine("the probe's log line", WAIT, line -> line.contains("to=<" + BAD + ">")
            && line.contains("status=undeliverable (host 127.0.0.1[127.0.0.1] said: 550 5.1.1"));
        server.awaitMaillogLine("the probe's log line", WAIT, line -> line.contains("to=<" + GOOD + ">")
            && line.contains("status=deliverable (250 2.1.5 Ok)"));
        assertThat(server.maillog()).as("no bounce of a probe").doesNotContain("sender non-delivery notification");

        int connections = sink.connectionCount();
        server.restart();
        assertThat(rcpt(BAD).full()).as("the cache in var/ survives a restart").contains("undeliverable address: host 127.0.0.1");
        assertThat(rcpt(GOOD).code()).isEqualTo(250);
        assertThat(sink.connectionCount()).as("no new probe").isEqualTo(connections);
    }
}
