package dev.postern.app.harness;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import dev.postern.testing.smtp.SinkMessage;
import dev.postern.testing.smtp.SmtpSink;

/** SmtpClient against SmtpSink: the two harness halves checked against each other. */
class SmtpClientSinkTest {

    private SmtpSink sink;

    @BeforeEach
    void startSink() {
        sink = new SmtpSink().start();
    }

    @AfterEach
    void stopSink() {
        sink.close();
    }

    @Test
    void greetingAndMultiLineEhloReplyAreParsed() {
        try (SmtpClient client = SmtpClient.connect(sink.port())) {
            assertThat(client.greeting().code()).isEqualTo(220);
            assertThat(client.greeting().full()).isEqualTo("220 sink.postern.test ESMTP Postern test sink");

            ClientReply ehlo = client.ehlo("client.example");

            assertThat(ehlo.code()).isEqualTo(250);
            assertThat(ehlo.lines()).containsExactly("250-sink.postern.test", "250-PIPELINING", "250-8BITMIME",
                    "250-SIZE 0", "250-ENHANCEDSTATUSCODES", "250 SMTPUTF8");
            assertThat(ehlo.textLines().get(0)).isEqualTo("sink.postern.test");
            assertThat(ehlo.hasExtension("PIPELINING")).isTrue();
            assertThat(ehlo.hasExtension("8BITMIME")).isTrue();
            assertThat(ehlo.hasExtension("STARTTLS")).isFalse();
            assertThat(client.quit().full()).isEqualTo("221 2.0.0 Bye");
        }
    }

    @Test
    void roundTripKeepsEnvelopeAndContentWithDotStuffing() {
        String content = "Subject: dots\r\n"
                + "\r\n"
                + ".\r\n"
                + "..two dots\r\n"
                + ".leading dot\r\n"
                + "middle . dot\r\n"
                + "last line without break";
        try (SmtpClient client = SmtpClient.connect(sink.port())) {
            client.ehlo("client.example");
            assertThat(client.mailFrom("alice@client.example").full()).isEqualTo("250 2.1.0 Ok");
            assertThat(client.rcptTo("bob@remote.example").full()).isEqualTo("250 2.1.5 Ok");
            assertThat(client.rcptTo("carol@remote.example").code()).isEqualTo(250);
            ClientReply reply = client.data(content);
            assertThat(reply.code()).isEqualTo(250);
            assertThat(reply.text()).startsWith("2.0.0 Ok: queued as SINK");
        }

        SinkMessage message = sink.awaitMessages(1, Duration.ofSeconds(5)).get(0);
        assertThat(message.sender()).isEqualTo("alice@client.example");
        assertThat(message.recipients()).containsExactly("bob@remote.example", "carol@remote.example");
        assertThat(message.helo()).isEqualTo("client.example");
        assertThat(message.clientAddress()).isEqualTo("127.0.0.1");
        assertThat(message.contentAsString()).isEqualTo(content + "\r\n");
        assertThat(message.body()).isEqualTo(".\r\n..two dots\r\n.leading dot\r\nmiddle . dot\r\nlast line without break\r\n");
        assertThat(message.header("Subject")).contains("dots");
    }

    @Test
    void dotStuffingNormalisesLineEndings() {
        byte[] stuffed = SmtpClient.dotStuff("a\n.b\r\n..c\rd".getBytes(StandardCharsets.US_ASCII));
        assertThat(new String(stuffed, StandardCharsets.US_ASCII)).isEqualTo("a\r\n..b\r\n...c\r\nd\r\n");
        assertThat(SmtpClient.dotStuff(new byte[0])).isEmpty();
    }

    @Test
    void eightBitContentArrivesByteForByte() {
        String content = "Subject: 8bit\r\n\r\nGrüße, 日本語\r\n";
        try (SmtpClient client = SmtpClient.connect(sink.port())) {
            client.ehlo("client.example");
            assertThat(client.mailFrom("a@client.example", "BODY=8BITMIME").code()).isEqualTo(250);
            client.rcptTo("b@remote.example");
            assertThat(client.data(content).code()).isEqualTo(250);
        }
        SinkMessage message = sink.awaitMessages(1, Duration.ofSeconds(5)).get(0);
        assertThat(message.content()).isEqualTo(content.getBytes(StandardCharsets.UTF_8));
        assertThat(message.mailParameters()).isEqualTo("BODY=8BITMIME");
    }

    @Test
    void pipelinedCommandsGetOneReplyEachInOrder() {
        try (SmtpClient client = SmtpClient.connect(sink.port())) {
            client.ehlo("client.example");
            List<ClientReply> replies = client.pipeline("MAIL FROM:<a@client.example>", "RCPT TO:<b@remote.example>",
                    "RCPT TO:<c@remote.example>", "DATA");
            assertThat(replies).extracting(ClientReply::code).containsExactly(250, 250, 250, 354);
            assertThat(client.sendContent("Subject: pipelined\r\n\r\nbody\r\n").code()).isEqualTo(250);
        }
        assertThat(sink.awaitMessages(1, Duration.ofSeconds(5)).get(0).recipients())
                .containsExactly("b@remote.example", "c@remote.example");
    }

    @Test
    void severalTransactionsOnOneConnectionAndRsetForgetsTheEnvelope() {
        try (SmtpClient client = SmtpClient.connect(sink.port())) {
            client.ehlo("client.example");
            client.mailFrom("dropped@client.example");
            client.rcptTo("dropped@remote.example");
            assertThat(client.rset().code()).isEqualTo(250);
            assertThat(client.data().full()).isEqualTo("503 5.5.1 Error: need RCPT command");
            for (int i = 0; i < 3; i++) {
                ClientReply reply = client.sendMail("s" + i + "@client.example", "r" + i + "@remote.example",
                        TestMessages.withToken("s@client.example", "r@remote.example", "tok-" + i, "body\r\n"));
                assertThat(reply.code()).isEqualTo(250);
            }
        }
        List<SinkMessage> messages = sink.awaitMessages(3, Duration.ofSeconds(5));
        assertThat(messages).extracting(SinkMessage::sender)
                .containsExactly("s0@client.example", "s1@client.example", "s2@client.example");
        assertThat(TestMessages.tokenCounts(messages)).containsOnlyKeys("tok-0", "tok-1", "tok-2");
    }

    @Test
    void nullSenderAndRawLines() {
        try (SmtpClient client = SmtpClient.connect(sink.port())) {
            client.sendLine("EHLO raw.example");
            assertThat(client.readReply().code()).isEqualTo(250);
            assertThat(client.command("FROB").full()).isEqualTo("502 5.5.2 Error: command not recognized");
            assertThat(client.mailFrom("").code()).isEqualTo(250);
            client.rcptTo("b@remote.example");
            assertThat(client.data().code()).isEqualTo(354);
            client.sendRaw("Subject: raw\r\n\r\nraw body\r\n.\r\n");
            assertThat(client.readReply().code()).isEqualTo(250);
        }
        SinkMessage message = sink.awaitMessages(1, Duration.ofSeconds(5)).get(0);
        assertThat(message.sender()).isEmpty();
        assertThat(message.body()).isEqualTo("raw body\r\n");
    }

    @Test
    void clientCanConnectFromAnotherLoopbackAddress() {
        try (SmtpClient client = SmtpClient.connect("127.0.0.1", sink.port(), "127.0.0.2")) {
            assertThat(client.localAddress().getAddress().getHostAddress()).isEqualTo("127.0.0.2");
            client.ehlo("other.example");
            assertThat(client.sendMail("a@other.example", "b@remote.example", "Subject: x\r\n\r\ny\r\n").code())
                    .isEqualTo(250);
        }
        assertThat(sink.awaitMessages(1, Duration.ofSeconds(5)).get(0).clientAddress()).isEqualTo("127.0.0.2");
    }

    @Test
    void concurrentClientsAreAllRecorded() throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            List<Future<Integer>> results = new ArrayList<>();
            for (int c = 0; c < 8; c++) {
                int clientNumber = c;
                results.add(pool.submit(() -> {
                    int ok = 0;
                    try (SmtpClient client = SmtpClient.connect(sink.port())) {
                        client.ehlo("c" + clientNumber + ".example");
                        for (int m = 0; m < 10; m++) {
                            String token = "c" + clientNumber + "-m" + m;
                            if (client.sendMail("a@client.example", "b@remote.example",
                                    TestMessages.withToken("a@client.example", "b@remote.example", token, "x\r\n"))
                                    .code() == 250) {
                                ok++;
                            }
                        }
                        client.quit();
                    }
                    return ok;
                }));
            }
            int accepted = 0;
            for (Future<Integer> result : results) {
                accepted += result.get(30, TimeUnit.SECONDS);
            }
            assertThat(accepted).isEqualTo(80);
        } finally {
            pool.shutdownNow();
        }
        List<SinkMessage> messages = sink.awaitMessages(80, Duration.ofSeconds(5));
        assertThat(messages).hasSize(80);
        assertThat(TestMessages.tokenCounts(messages)).hasSize(80).allSatisfy((token, count) -> assertThat(count).isEqualTo(1));
        assertThat(sink.connectionCount()).isEqualTo(8);
    }

    @Test
    void readingAReplyFromAClosedConnectionFails() {
        SmtpClient client = SmtpClient.connect(sink.port());
        try {
            assertThat(client.quit().code()).isEqualTo(221);
            assertThatThrownBy(client::noop).isInstanceOf(UncheckedIOException.class);
        } finally {
            client.close();
        }
    }
}
