package dev.postern.app.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import dev.postern.app.harness.Await;
import dev.postern.app.harness.OpenDkim;
import dev.postern.app.harness.PosternExtension;
import dev.postern.app.harness.PosternProcess;
import dev.postern.testing.smtp.SinkMessage;
import dev.postern.app.harness.SmtpClient;
import dev.postern.testing.smtp.SmtpSink;

/**
 * Debian's OpenDKIM as Postern's milter: mail from an internal client (127.0.0.1) is signed on
 * its way through, and the relayed copy verifies with a second OpenDKIM reading the public key.
 */
class OpenDkimMilterIT {
    private static final String SENDER = "alice@client.example";
    private static final String RECIPIENT = "bob@remote.example";

    @RegisterExtension
    static final PosternExtension postern = new PosternExtension();

    @TempDir
    static Path dkimDirectory;

    private static OpenDkim opendkim;
    private static SmtpSink sink;
    private static PosternProcess server;

    @BeforeAll
    static void start() {
        opendkim = new OpenDkim(dkimDirectory, "client.example").start();
        sink = postern.newSink();
        server = postern.newServer().myhostname("mx.dkim-it.test").relayhost(sink)
            .parameter("smtpd_milters", opendkim.endpoint())
            .start();
    }

    @AfterAll
    static void stop() {
        opendkim.close();
    }

    @Test
    void theRelayedCopyCarriesASignatureThatVerifies() {
        try (SmtpClient client = server.connect()) {
            client.ehlo("client.example");
            assertThat(client.sendMail(SENDER, RECIPIENT, "From: Alice <" + SENDER + ">\r\nTo: " + RECIPIENT
                + "\r\nSubject: signed, with a subject long enough\r\n\tto be folded\r\nDate: Mon, 7 Dec 2026 11:00:00 +0000\r\nMessage-ID: <dkim-1@client.example>\r\n"
                + "\r\nA body\r\nwith two lines\r\n").full()).startsWith("250 2.0.0 Ok: queued as ");
            client.quit();
        }

        List<SinkMessage> relayed = Await.value("the signed message at the sink", Duration.ofSeconds(30), sink::messages,
            list -> !list.isEmpty());
        SinkMessage copy = relayed.get(0);
        assertThat(copy.header("DKIM-Signature")).as("%s", copy.contentAsString()).isPresent();
        assertThat(copy.header("DKIM-Signature").get()).contains("d=client.example").contains("s=test");

        assertThat(opendkim.verify(copy.content())).contains("verification (s=test, d=client.example").contains("succeeded");
        byte[] tampered = copy.contentAsString().replace("with two lines", "with other lines")
            .getBytes(StandardCharsets.UTF_8);
        assertThat(opendkim.verify(tampered)).as("the check can fail").contains("failed");
    }
}
