package dev.postern.app.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.postern.app.harness.Await;
import dev.postern.app.harness.PosternExtension;
import dev.postern.app.harness.PosternProcess;
import dev.postern.app.harness.SmtpClient;
import dev.postern.app.harness.ClientReply;
import dev.postern.app.harness.TestMessages;
import dev.postern.testing.smtp.SinkMessage;
import dev.postern.testing.smtp.SmtpSink;
import java.time.Duration;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Relay control end to end: a client in {@code mynetworks} is relayed through {@code relayhost}; a client
 * outside it is refused at RCPT and nothing leaves the server.
 */
class RelayIT {

    /** {@code 250 2.0.0 Ok: queued as QID}, QID upper-case hex of 10 to 12 characters (docs/logging-and-metrics.md). */
    private static final Pattern QUEUED = Pattern.compile("^250 2\\.0\\.0 Ok: queued as ([0-9A-F]{10,12})$");
    private static final Duration DELIVERY = Duration.ofSeconds(60);

    @RegisterExtension
    static final PosternExtension postern = new PosternExtension();
    /** Shared by the trusted and untrusted client tests; each finds its messages by token or recipient. */
    private static SmtpSink sink;
    private static PosternProcess server;

    @BeforeAll
    static void startSharedServer() {
        sink = postern.newSink();
        server = postern.newServer().myhostname("mx.relay-it.test").relayhost(sink).start();
    }

    @Test
    void trustedClientIsRelayedThroughRelayhost() {
        String body = "first line\r\n"
                + ".a line that starts with a dot\r\n"
                + "..and one with two\r\n"
                + "last line\r\n";
        String content = TestMessages.withToken("alice@client.example", "bob@remote.example", "relay-1", body);

        ClientReply finalReply;
        try (SmtpClient client = server.connect()) {
            assertThat(client.greeting().full()).isEqualTo("220 mx.relay-it.test ESMTP Postern");
            assertThat(client.ehlo("client.example").code()).isEqualTo(250);
            assertThat(client.mailFrom("alice@client.example").full()).isEqualTo("250 2.1.0 Ok");
            assertThat(client.rcptTo("bob@remote.example").full()).isEqualTo("250 2.1.5 Ok");
            finalReply = client.data(content);
            assertThat(finalReply.code()).as("reply to the end of DATA: %s", finalReply).isEqualTo(250);
            client.quit();
        }

        List<SinkMessage> relayed = TestMessages.awaitToken(sink, "relay-1", DELIVERY);
        SinkMessage message = relayed.get(0);
        assertThat(message.sender()).isEqualTo("alice@client.example");
        assertThat(message.recipients()).containsExactly("bob@remote.example");
        assertThat(TestMessages.token(message)).contains("relay-1");
        assertThat(message.body()).isEqualTo(body);
        assertThat(message.headerValues("Message-ID")).containsExactly("<relay-1@it.postern.test>");

        String queueId = queueId(finalReply);
        List<String> headers = message.headers();
        assertThat(headers.get(0)).as("the first header is Postern's Received:, got %s", headers).startsWith("Received:");
        String received = message.headerValues("Received").get(0);
        assertThat(received).as("Received: names Postern's host and the queue ID")
                .contains("by mx.relay-it.test")
                .contains(queueId)
                .contains("127.0.0.1");
        assertThat(relayed).hasSize(1);
    }

    @Test
    void untrustedClientIsRefusedAtRcptAndNothingIsRelayed() {

        ClientReply dataReply;
        try (SmtpClient client = server.connectFrom("127.0.0.2")) {
            assertThat(client.localAddress().getAddress().getHostAddress()).isEqualTo("127.0.0.2");
            assertThat(client.greeting().code()).isEqualTo(220);
            assertThat(client.ehlo("outsider.example").code()).isEqualTo(250);
            assertThat(client.mailFrom("spammer@outsider.example").code()).isEqualTo(250);
            assertThat(client.rcptTo("x@remote.example").full())
                    .isEqualTo("454 4.7.1 <x@remote.example>: Relay access denied");
            dataReply = client.data();
            client.quit();
        }

        // Barrier: a trusted message sent afterwards arrives, so the server had every chance to relay the first.
        try (SmtpClient client = server.connect()) {
            client.ehlo("client.example");
            assertThat(client.sendMail("alice@client.example", "bob@remote.example",
                    TestMessages.withToken("alice@client.example", "bob@remote.example", "barrier", "x\r\n")).code())
                    .isEqualTo(250);
            client.quit();
        }
        TestMessages.awaitToken(sink, "barrier", DELIVERY);
        Await.holdsFor("only the trusted message reaches the sink (the other test's go to bob@ too)", Duration.ofSeconds(3),
                () -> TestMessages.withToken(sink, "barrier").size() == 1
                        && sink.messages().stream().allMatch(m -> m.recipients().equals(List.of("bob@remote.example"))));
        assertThat(sink.messages()).noneMatch(m -> m.recipients().contains("x@remote.example"))
                .noneMatch(m -> m.sender().equals("spammer@outsider.example"));
        assertThat(dataReply.full()).as("DATA after every recipient was refused")
                .isEqualTo("554 5.5.1 Error: no valid recipients");
    }

    @Test
    void twoInstancesRelayAtTheSameTime() {
        SmtpSink sinkA = postern.newSink();
        SmtpSink sinkB = postern.newSink();
        PosternProcess a = postern.newServer().myhostname("mx-a.relay-it.test").relayhost(sinkA);
        PosternProcess b = postern.newServer().myhostname("mx-b.relay-it.test").relayhost(sinkB);
        a.launch();
        b.launch();
        a.awaitReady();
        b.awaitReady();

        ClientReply replyA = send(a, "via-a");
        ClientReply replyB = send(b, "via-b");
        assertThat(replyA.code()).as("%s", replyA).isEqualTo(250);
        assertThat(replyB.code()).as("%s", replyB).isEqualTo(250);

        SinkMessage atA = sinkA.awaitMessages(1, DELIVERY).get(0);
        SinkMessage atB = sinkB.awaitMessages(1, DELIVERY).get(0);
        assertThat(TestMessages.token(atA)).contains("via-a");
        assertThat(TestMessages.token(atB)).contains("via-b");
        assertThat(atA.headerValues("Received").get(0)).contains("by mx-a.relay-it.test").contains(queueId(replyA));
        assertThat(atB.headerValues("Received").get(0)).contains("by mx-b.relay-it.test").contains(queueId(replyB));
        assertThat(sinkA.messageCount()).isEqualTo(1);
        assertThat(sinkB.messageCount()).isEqualTo(1);
        assertThat(a.isRunning()).isTrue();
        assertThat(b.isRunning()).isTrue();
    }

    private static ClientReply send(PosternProcess server, String token) {
        try (SmtpClient client = server.connect()) {
            client.ehlo("client.example");
            ClientReply reply = client.sendMail("alice@client.example", "bob@remote.example",
                    TestMessages.withToken("alice@client.example", "bob@remote.example", token, "hello\r\n"));
            client.quit();
            return reply;
        }
    }

    private static String queueId(ClientReply reply) {
        Matcher m = QUEUED.matcher(reply.full());
        assertThat(m.matches()).as("final reply %s is `250 2.0.0 Ok: queued as QID`", reply.full()).isTrue();
        return m.group(1);
    }
}
