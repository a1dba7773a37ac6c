package dev.postern.app.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;

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
        anIdleClientGetsTheTimeoutReplyAndALogLine(server);
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
