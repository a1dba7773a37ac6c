package dev.postern.app.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import dev.postern.app.harness.PosternExtension;
import dev.postern.app.harness.PosternProcess;
import dev.postern.app.harness.SmtpClient;
import dev.postern.app.harness.ClientReply;
import dev.postern.testing.smtp.SinkMessage;
import dev.postern.testing.smtp.SmtpSink;

/**
 * What a client's bytes must not do (issue 14, items 3 and 8): a bare CR in HELO must not
 * forge a header above the real ones, a bare CR in the content must not become a header line
 * on the way out, and a client that goes quiet gets smtpd_timeout's 421. One server for all,
 * relaying to a sink that keeps the bytes it receives.
 */
class ClientBytesIT {
    private static final String HOST = "mx.client-bytes-it.test";
    private static final String FORGED_FROM = "\"Your Bank\" <security@bank.example>";

    @RegisterExtension
    final PosternExtension postern = new PosternExtension();

    @Test
    void hostileClientBytesForgeNothingAndAnIdleClientIsTimedOut() {
        SmtpSink sink = postern.newSink();
        PosternProcess server = postern.newServer().myhostname(HOST).relayhost(sink)
            .parameter("smtpd_timeout", "3s").start();

        aHeloNameWithABareCrIsRefusedAndForgesNoHeader(server, sink);
        aBareCrInTheContentStartsNoHeaderLine(server, sink);
        aLongMessageInOddPiecesArrivesAsSent(server, sink);
        anIdleClientGetsTheTimeoutReplyAndALogLine(server);
        aClientIdleInTheMiddleOfItsMessageIsTimedOutAfterDataContent(server);
    }

    private static void aHeloNameWithABareCrIsRefusedAndForgesNoHeader(PosternProcess server, SmtpSink sink) {
        try (SmtpClient client = server.connect()) {
            ClientReply ehlo = client.ehlo("x.example\rFrom: " + FORGED_FROM);
            assertThat(ehlo.code()).as("EHLO with a bare CR: %s", ehlo).isEqualTo(501);
            assertThat(ehlo.full()).contains("501 5.5.2 <x.example?From: " + FORGED_FROM
                + ">: Helo command rejected: Invalid name");
            // the refused name is no HELO name: the session has none
            assertThat(client.mailFrom("alice@client.example").code()).isEqualTo(503);
            assertThat(client.ehlo("client.example").code()).isEqualTo(250);
            assertThat(client.mailFrom("alice@client.example").code()).isEqualTo(250);
            assertThat(client.rcptTo("bob@remote.example").code()).isEqualTo(250);
            assertThat(client.data("From: alice@client.example\r\nSubject: after a bad EHLO\r\n\r\nhello\r\n").code())
                .isEqualTo(250);
            client.quit();
        }
        SinkMessage relayed = sink.awaitMessages(1, Duration.ofSeconds(30)).get(0);
        assertThat(relayed.headerValues("From")).as("From headers of\n%s", relayed.headerSection())
            .containsExactly("alice@client.example");
        assertThat(relayed.contentAsString()).doesNotContain("bank.example");
        server.awaitMaillogLine("the HELO reject", Duration.ofSeconds(10), line -> line.contains(
            "NOQUEUE: reject: EHLO from localhost[127.0.0.1]: 501 5.5.2 <x.example?From: " + FORGED_FROM + ">"));
        sink.clear();
    }

    private static void aBareCrInTheContentStartsNoHeaderLine(PosternProcess server, SmtpSink sink) {
        try (SmtpClient client = server.connect()) {
            client.ehlo("client.example");
            assertThat(client.mailFrom("alice@client.example").code()).isEqualTo(250);
            assertThat(client.rcptTo("bob@remote.example").code()).isEqualTo(250);
            assertThat(client.data().code()).isEqualTo(354);
            // raw: the harness's content writer would itself turn the bare CRs into line ends
            client.sendRaw(("Subject: hello\rFrom: " + FORGED_FROM + "\r\n"
                + "From: alice@client.example\r\n"
                + "\r\n"
                + "first\r.\r\nMAIL FROM:<smuggler@evil.example>\r\n"
                + "body\rX-Injected: yes\r\n.\r\n").getBytes(StandardCharsets.US_ASCII));
            assertThat(client.readReply().code()).isEqualTo(250);
            client.quit();
        }
        SinkMessage relayed = sink.awaitMessages(1, Duration.ofSeconds(30)).get(0);
        String content = relayed.contentAsString();
        assertThat(content.replace("\r\n", "")).as("a CR or LF outside CR LF in\n%s", content).doesNotContain("\r", "\n");
        assertThat(relayed.headerValues("From")).as("From headers of\n%s", relayed.headerSection())
            .containsExactly("alice@client.example");
        assertThat(relayed.headerValues("Subject")).containsExactly("hello From: " + FORGED_FROM);
        assertThat(relayed.body()).isEqualTo("first .\r\nMAIL FROM:<smuggler@evil.example>\r\nbody X-Injected: yes\r\n");
        assertThat(sink.messages()).hasSize(1);
        sink.clear();
    }

    /**
     * The body in chunks (DataChunker) and line by line where a line needs the filters' work, in
     * reads cut anywhere, the end of data split between reads and a second message pipelined after
     * it: both relayed exactly as sent, dot-stuffing undone and bare CRs made spaces.
     */
    private static void aLongMessageInOddPiecesArrivesAsSent(PosternProcess server, SmtpSink sink) {
        Random random = new Random(19);
        StringBuilder wire = new StringBuilder("From: alice@client.example\r\nSubject: pieces\r\n\r\n");
        StringBuilder expected = new StringBuilder();
        for (int i = 0; i < 4000; i++) {
            String text = "line " + i + " " + "z".repeat(random.nextInt(120));
            switch (random.nextInt(12)) {
                case 0 -> {
                    wire.append("..").append(text).append("\r\n");
                    expected.append('.').append(text).append("\r\n");
                }
                case 1 -> {
                    wire.append(text).append("\rcarriage\r\n");
                    expected.append(text).append(" carriage\r\n");
                }
                case 2 -> {
                    wire.append("\r\n");
                    expected.append("\r\n");
                }
                default -> {
                    wire.append(text).append("\r\n");
                    expected.append(text).append("\r\n");
                }
            }
        }
        wire.append(".\r\nRSET\r\n");
        byte[] bytes = wire.toString().getBytes(StandardCharsets.US_ASCII);
        try (SmtpClient client = server.connect()) {
            client.ehlo("client.example");
            assertThat(client.mailFrom("alice@client.example").code()).isEqualTo(250);
            assertThat(client.rcptTo("bob@remote.example").code()).isEqualTo(250);
            assertThat(client.data().code()).isEqualTo(354);
            int at = 0;
            while (at < bytes.length) {
                int end = Math.min(bytes.length, at + 1 + random.nextInt(9000));
                client.sendRaw(Arrays.copyOfRange(bytes, at, end));
                at = end;
                pause(random.nextInt(4) == 0 ? 2 : 0);
            }
            assertThat(client.readReply().code()).isEqualTo(250);
            assertThat(client.readReply().code()).as("the RSET sent with the end of data").isEqualTo(250);
            assertThat(client.mailFrom("alice@client.example").code()).isEqualTo(250);
            assertThat(client.rcptTo("bob@remote.example").code()).isEqualTo(250);
            assertThat(client.data().code()).isEqualTo(354);
            client.sendRaw("Subject: second\r\n\r\nsecond body\r\n.");
            pause(50);
            client.sendRaw("\r\n");
            assertThat(client.readReply().code()).isEqualTo(250);
            client.quit();
        }
        List<SinkMessage> relayed = sink.awaitMessages(2, Duration.ofSeconds(30));
        SinkMessage first = relayed.stream().filter(m -> m.headerValues("Subject").contains("pieces")).findFirst().orElseThrow();
        assertThat(first.body()).isEqualTo(expected.toString());
        SinkMessage second = relayed.stream().filter(m -> m.headerValues("Subject").contains("second")).findFirst().orElseThrow();
        assertThat(second.body()).isEqualTo("second body\r\n");
        sink.clear();
    }

    private static void pause(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static void aClientIdleInTheMiddleOfItsMessageIsTimedOutAfterDataContent(PosternProcess server) {
        try (SmtpClient client = server.connect()) {
            client.ehlo("client.example");
            assertThat(client.mailFrom("alice@client.example").code()).isEqualTo(250);
            assertThat(client.rcptTo("bob@remote.example").code()).isEqualTo(250);
            assertThat(client.data().code()).isEqualTo(354);
            client.sendRaw("Subject: never finished\r\n\r\nhalf a bo");
            client.setReadTimeout(Duration.ofSeconds(30));
            assertThat(client.readReply().full()).isEqualTo("421 4.4.2 " + HOST + " Error: timeout exceeded");
        }
        server.awaitMaillogLine("the timeout in DATA", Duration.ofSeconds(10),
            l -> l.contains("timeout after DATA content from localhost[127.0.0.1]"));
    }

    private static void anIdleClientGetsTheTimeoutReplyAndALogLine(PosternProcess server) {
        try (SmtpClient client = server.connect()) {
            assertThat(client.ehlo("idle.example").code()).isEqualTo(250);
            client.setReadTimeout(Duration.ofSeconds(30));
            long start = System.nanoTime();
            ClientReply reply = client.readReply();
            Duration waited = Duration.ofNanos(System.nanoTime() - start);

            assertThat(reply.full()).isEqualTo("421 4.4.2 " + HOST + " Error: timeout exceeded");
            assertThat(waited).as("time to the 421").isBetween(Duration.ofMillis(2500), Duration.ofSeconds(10));
            assertThat(client.isClosedByServer()).isTrue();
        }
        String line = server.awaitMaillogLine("the timeout", Duration.ofSeconds(10),
            l -> l.contains("timeout after EHLO from localhost[127.0.0.1]"));
        assertThat(line).contains("postern/smtpd[");
        server.awaitMaillogLine("the disconnect after the timeout", Duration.ofSeconds(10), l -> {
            List<String> lines = server.maillogLines();
            return lines.indexOf(l) > lines.indexOf(line) && l.contains("disconnect from localhost[127.0.0.1] ehlo=1 commands=1");
        });
    }
}
