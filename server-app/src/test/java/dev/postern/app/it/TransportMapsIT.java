package dev.postern.app.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import dev.postern.app.harness.Await;
import dev.postern.app.harness.DeliveryLogLine;
import dev.postern.app.harness.ExitResult;
import dev.postern.app.harness.PosternExtension;
import dev.postern.app.harness.PosternProcess;
import dev.postern.app.harness.SmtpClient;
import dev.postern.app.harness.ClientReply;
import dev.postern.app.harness.TestMessages;
import dev.postern.testing.smtp.SinkMessage;
import dev.postern.testing.smtp.SmtpSink;

/**
 * transport_maps end to end (a texthash table in conf/): one message whose recipients have three
 * routes is split into one delivery per route, each next hop gets only its own recipients, and every
 * line keeps the message's queue ID; {@code .parent} covers subdomains but not the parent itself, which
 * goes to relayhost. The error, retry and discard transports: a bounce to the sender, a recipient that
 * stays deferred in the queue, and one that counts as sent while nothing is delivered.
 */
class TransportMapsIT {
    private static final String H = "mx.transport-it.test";
    private static final String SENDER = "alice@sender.test";
    private static final Duration DELIVERY = Duration.ofSeconds(60);

    @RegisterExtension
    final PosternExtension postern = new PosternExtension();

    @Test
    void recipientsAreSplitByRouteAndEachNextHopGetsOnlyItsOwn() {
        SmtpSink one = postern.newSink();
        SmtpSink two = postern.newSink();
        SmtpSink relayhost = postern.newSink();
        PosternProcess server = postern.newServer().myhostname(H).relayhost(relayhost)
            .parameter("transport_maps", "texthash:conf/transport")
            .writeConfFile("transport", String.join("\n",
                "one.test        smtp:" + one.relayhost(),
                "two.test        smtp:" + two.relayhost(),
                "# a leading dot: the subdomains of parent.test, not parent.test itself",
                ".parent.test    smtp:" + two.relayhost(),
                ""))
            .start();

        List<String> recipients = List.of("a@one.test", "b@two.test", "c@sub.parent.test", "d@parent.test");
        String queueId = send(server, SENDER, recipients, "split-1");

        SinkMessage atOne = one.awaitMessages(1, DELIVERY).get(0);
        SinkMessage atTwo = two.awaitMessages(1, DELIVERY).get(0);
        SinkMessage atRelayhost = relayhost.awaitMessages(1, DELIVERY).get(0);
        assertThat(atOne.recipients()).containsExactly("a@one.test");
        assertThat(atTwo.recipients()).as("two.test and the subdomain of .parent.test share a route: one transaction")
            .containsExactlyInAnyOrder("b@two.test", "c@sub.parent.test");
        assertThat(atRelayhost.recipients()).as("parent.test itself is not covered by .parent.test")
            .containsExactly("d@parent.test");
        for (SinkMessage message : List.of(atOne, atTwo, atRelayhost)) {
            assertThat(message.sender()).isEqualTo(SENDER);
            assertThat(TestMessages.token(message)).contains("split-1");
            assertThat(message.headerValues("Received").get(0)).as("every copy carries the queue ID").contains(queueId);
        }

        List<DeliveryLogLine> lines = Await.value("a delivery line per recipient", DELIVERY,
            () -> DeliveryLogLine.all(server), all -> all.size() >= recipients.size());
        assertThat(lines).hasSize(recipients.size());
        assertThat(lines).allSatisfy(line -> {
            assertThat(line.queueId()).as(line.line()).isEqualTo(queueId);
            assertThat(line.service()).as(line.line()).isEqualTo("smtp");
            assertThat(line.status()).as(line.line()).isEqualTo("sent");
            assertThat(line.dsn()).as(line.line()).isEqualTo("2.0.0");
        });
        assertThat(relayOf(lines, "a@one.test")).isEqualTo("127.0.0.1[127.0.0.1]:" + one.port());
        assertThat(relayOf(lines, "b@two.test")).isEqualTo("127.0.0.1[127.0.0.1]:" + two.port());
        assertThat(relayOf(lines, "c@sub.parent.test")).isEqualTo("127.0.0.1[127.0.0.1]:" + two.port());
        assertThat(relayOf(lines, "d@parent.test")).isEqualTo("127.0.0.1[127.0.0.1]:" + relayhost.port());
        assertThat(server.maillogLines()).as("every line about the message names its queue ID")
            .filteredOn(line -> line.contains("to=<") || line.contains("from=<" + SENDER + ">"))
            .isNotEmpty()
            .allMatch(line -> line.contains(": " + queueId + ": "));

        Await.holdsFor("each next hop got exactly one message", Duration.ofSeconds(2),
            () -> one.messageCount() == 1 && two.messageCount() == 1 && relayhost.messageCount() == 1);
    }

    @Test
    void errorBouncesRetryStaysDeferredAndDiscardDeliversNothing() {
        SmtpSink relayhost = postern.newSink();
        PosternProcess server = postern.newServer().myhostname(H).relayhost(relayhost)
            .parameter("transport_maps", "texthash:conf/transport")
            .writeConfFile("transport", String.join("\n",
                "error.test      error:5.7.1 refused by the transport table",
                "retry.test      retry:4.3.2 waiting for the new server",
                "discard.test    discard:dropped on purpose",
                ""))
            .start();

        String queueId = send(server, SENDER, List.of("x@error.test", "y@retry.test", "z@discard.test"), "special-1");

        DeliveryLogLine error = awaitLine(server, "x@error.test");
        assertThat(error.service()).isEqualTo("error");
        assertThat(error.queueId()).isEqualTo(queueId);
        assertThat(error.relay()).isEqualTo("none");
        assertThat(error.dsn()).isEqualTo("5.7.1");
        assertThat(error.status()).isEqualTo("bounced");
        assertThat(error.text()).isEqualTo("refused by the transport table");

        DeliveryLogLine retry = awaitLine(server, "y@retry.test");
        assertThat(retry.service()).isEqualTo("retry");
        assertThat(retry.queueId()).isEqualTo(queueId);
        assertThat(retry.dsn()).isEqualTo("4.3.2");
        assertThat(retry.status()).isEqualTo("deferred");
        assertThat(retry.text()).isEqualTo("waiting for the new server");

        DeliveryLogLine discard = awaitLine(server, "z@discard.test");
        assertThat(discard.service()).isEqualTo("discard");
        assertThat(discard.queueId()).isEqualTo(queueId);
        assertThat(discard.dsn()).isEqualTo("2.0.0");
        assertThat(discard.status()).isEqualTo("sent");
        assertThat(discard.text()).isEqualTo("dropped on purpose");

        // The bounce covers the error recipient only; it goes to the sender through relayhost.
        SinkMessage bounce = relayhost.awaitMessages(1, DELIVERY).get(0);
        assertThat(bounce.sender()).as("a bounce has the null sender").isEmpty();
        assertThat(bounce.recipients()).containsExactly(SENDER);
        String report = bounce.contentAsString();
        assertThat(report)
            .contains("Final-Recipient: rfc822; x@error.test")
            .contains("Status: 5.7.1")
            .contains("Diagnostic-Code: X-Postfix; refused by the transport table")
            .doesNotContain("Final-Recipient: rfc822; y@retry.test")
            .doesNotContain("Final-Recipient: rfc822; z@discard.test");
        server.awaitMaillogLine("the non-delivery notification", DELIVERY,
            line -> line.contains(": " + queueId + ": sender non-delivery notification: "));

        ExitResult queue = Await.value("the retry recipient listed by postern queue", DELIVERY,
            () -> server.runCommand("queue"), listing -> listing.stdout().contains(queueId));
        assertThat(queue.exitCode()).as("%s", queue).isZero();
        List<String> listing = queue.stdoutLines();
        int entry = indexOfPrefix(listing, queueId);
        assertThat(entry).as("%s", queue).isGreaterThanOrEqualTo(0);
        assertThat(listing.get(entry + 1).strip()).as("%s", queue).isEqualTo("(waiting for the new server)");
        assertThat(listing.get(entry + 2).strip()).as("only the deferred recipient is left: %s", queue)
            .isEqualTo("y@retry.test");
        assertThat(listing.get(entry + 3)).as("%s", queue).isEmpty();

        Await.holdsFor("nothing but the bounce leaves the server", Duration.ofSeconds(2),
            () -> relayhost.messageCount() == 1);
        assertThat(DeliveryLogLine.of(server, "y@retry.test")).as("retried later, not at once").hasSize(1);
    }

    static String send(PosternProcess server, String sender, List<String> recipients, String token) {
        try (SmtpClient client = server.connect()) {
            client.ehlo("client.example");
            ClientReply reply = client.sendMail(sender, recipients,
                TestMessages.withToken(sender, recipients.get(0), token, "hello " + token + "\r\n"));
            client.quit();
            assertThat(reply.full()).matches("250 2\\.0\\.0 Ok: queued as [0-9A-F]{10,12}");
            return reply.full().substring(reply.full().lastIndexOf(' ') + 1);
        }
    }

    static DeliveryLogLine awaitLine(PosternProcess server, String recipient) {
        return Await.value("a delivery line for " + recipient, DELIVERY, () -> DeliveryLogLine.of(server, recipient),
            lines -> !lines.isEmpty()).get(0);
    }

    private static String relayOf(List<DeliveryLogLine> lines, String recipient) {
        return lines.stream().filter(line -> line.recipient().equals(recipient)).findFirst()
            .map(DeliveryLogLine::relay).orElseThrow(() -> new AssertionError("no line for " + recipient + ": " + lines));
    }

    private static int indexOfPrefix(List<String> lines, String prefix) {
        for (int i = 0; i < lines.size(); i++) {
            if (lines.get(i).startsWith(prefix)) {
                return i;
            }
        }
        return -1;
    }
}
