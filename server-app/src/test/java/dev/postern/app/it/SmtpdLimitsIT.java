package dev.postern.app.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import dev.postern.app.harness.Await;
import dev.postern.app.harness.PosternExtension;
import dev.postern.app.harness.PosternProcess;
import dev.postern.app.harness.SmtpClient;
import dev.postern.app.harness.ClientReply;
import dev.postern.app.harness.TestMessages;
import dev.postern.testing.smtp.SmtpSink;

/**
 * message_size_limit, smtpd_recipient_limit, the anvil limits and overlong lines, end to end
 * with Postfix's replies; the server keeps answering afterwards.
 */
class SmtpdLimitsIT {
    private static final String H = "mx.limits-it.test";

    @RegisterExtension
    final PosternExtension postern = new PosternExtension();

    @Test
    void messageSizeAndRecipientLimits() {
        SmtpSink sink = postern.newSink();
        PosternProcess server = postern.newServer().myhostname(H).relayhost(sink)
            .parameter("message_size_limit", "20480").parameter("smtpd_recipient_limit", "3").start();

        try (SmtpClient client = server.connect()) {
            assertThat(client.ehlo("client.example").textLines()).contains("SIZE 20480");
            assertThat(client.mailFrom("alice@client.example", "SIZE=30000").full())
                .isEqualTo("552 5.3.4 Message size exceeds fixed limit");
            assertThat(client.mailFrom("alice@client.example", "SIZE=1000").code()).isEqualTo(250);
            assertThat(client.rcptTo("bob@remote.example").code()).isEqualTo(250);
            assertThat(client.data(TestMessages.withToken("alice@client.example", "bob@remote.example", "too-big",
                "x".repeat(70) + "\r\n" + ("y".repeat(998) + "\r\n").repeat(30))).full())
                .isEqualTo("552 5.3.4 Error: message file too big");

            List<String> rcptReplies = new ArrayList<>();
            client.mailFrom("alice@client.example");
            for (int i = 1; i <= 5; i++) {
                rcptReplies.add(client.rcptTo("r" + i + "@remote.example").full());
            }
            assertThat(rcptReplies).containsExactly("250 2.1.5 Ok", "250 2.1.5 Ok", "250 2.1.5 Ok",
                "452 4.5.3 Error: too many recipients", "452 4.5.3 Error: too many recipients");
            assertThat(client.data(TestMessages.withToken("alice@client.example", "r1@remote.example", "fits", "small"))
                .code()).isEqualTo(250);
        }
        assertThat(sink.awaitMessages(1, Duration.ofSeconds(30)).get(0).recipients())
            .containsExactlyInAnyOrder("r1@remote.example", "r2@remote.example", "r3@remote.example");
        Await.holdsFor("the oversized message is not relayed", Duration.ofSeconds(2), () -> sink.messageCount() == 1);
    }

    @Test
    void connectionCountAndRateAndMessageRatePerClient() {
        PosternProcess server = postern.newServer().myhostname(H).mynetworks("127.0.0.1/32")
            .parameter("smtpd_client_connection_count_limit", "2")
            .parameter("smtpd_client_message_rate_limit", "2").start();

        try (SmtpClient first = server.connectFrom("127.0.0.2"); SmtpClient second = server.connectFrom("127.0.0.2");
                SmtpClient third = SmtpClient.connect("127.0.0.1", server.smtpPort(), "127.0.0.2")) {
            assertThat(first.greeting().code()).isEqualTo(220);
            assertThat(second.greeting().code()).isEqualTo(220);
            assertThat(third.greeting().full()).isEqualTo("421 4.7.0 " + H + " Error: too many connections from 127.0.0.2");
            assertThat(third.isClosedByServer()).isTrue();
            try (SmtpClient trusted1 = server.connect(); SmtpClient trusted2 = server.connect();
                    SmtpClient trusted3 = server.connect()) {
                assertThat(trusted3.greeting().code()).as("mynetworks is exempt").isEqualTo(220);
            }

            first.ehlo("client.example");
            assertThat(first.mailFrom("a@client.example").code()).isEqualTo(250);
            first.rset();
            assertThat(first.mailFrom("a@client.example").code()).isEqualTo(250);
            first.rset();
            assertThat(first.mailFrom("a@client.example").full()).isEqualTo("450 4.7.1 Error: too much mail from 127.0.0.2");
        }
        try (SmtpClient again = server.connectFrom("127.0.0.2")) {
            assertThat(again.greeting().code()).as("closed connections no longer count").isEqualTo(220);
        }
        server.awaitMaillogLine("the anvil warning", Duration.ofSeconds(10), line -> line.endsWith(
            "warning: Connection concurrency limit exceeded: 3 from unknown[127.0.0.2] for service smtp"));
    }

    @Test
    void connectionRateLimit() {
        PosternProcess server = postern.newServer().myhostname(H).mynetworks("127.0.0.1/32")
            .parameter("smtpd_client_connection_rate_limit", "3").start();
        List<Integer> greetings = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            try (SmtpClient client = SmtpClient.connect("127.0.0.1", server.smtpPort(), "127.0.0.2")) {
                greetings.add(client.greeting().code());
            }
        }
        assertThat(greetings).containsExactly(220, 220, 220, 421, 421);
    }

    @Test
    void anOverlongCommandLineIsRefusedAndTheServerStaysUp() {
        PosternProcess server = postern.newServer().myhostname(H).start();
        try (SmtpClient client = server.connect()) {
            client.ehlo("client.example");
            client.sendRaw("MAIL FROM:<" + "a".repeat(100_000) + "@client.example>\r\n");
            ClientReply reply = client.readReply();
            assertThat(reply.code()).as("%s", reply).isBetween(500, 554);
            assertThat(reply.full()).doesNotContain("Exception").doesNotContain("at org.");
        } catch (RuntimeException closedAfterReply) {
            // a server may also close after refusing; the next connection must still be served
        }
        try (SmtpClient client = server.connect()) {
            assertThat(client.ehlo("client.example").code()).isEqualTo(250);
        }
    }
}
