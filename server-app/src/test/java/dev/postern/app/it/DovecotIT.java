package dev.postern.app.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import dev.postern.app.harness.Await;
import dev.postern.app.harness.DeliveryLogLine;
import dev.postern.app.harness.DovecotServer;
import dev.postern.app.harness.ImapClient;
import dev.postern.app.harness.PosternExtension;
import dev.postern.app.harness.PosternProcess;
import dev.postern.app.harness.SmtpClient;
import dev.postern.app.harness.ClientReply;
import dev.postern.testing.smtp.SinkMessage;
import dev.postern.testing.smtp.SmtpSink;

/**
 * Postern with Debian's Dovecot, started by the test on loopback ports: Dovecot serves over IMAP the
 * Maildir that Postern's local delivery wrote under var/mail/, headers and body as Postern wrote them;
 * and Postern's lmtp agent hands mail to Dovecot's LMTP (a transport_maps route), which files it for
 * IMAP, while a user Dovecot does not know bounces with Dovecot's 5.1.1 back to the sender.
 */
class DovecotIT {
    private static final String HOST = "mx.dovecot-it.test";
    private static final String LMTP_DOMAIN = "lmtp.example";
    private static final String SENDER = "alice@sender.test";
    private static final Duration WAIT = Duration.ofSeconds(30);
    /**
     * A body that delivery must not alter: a line starting with a dot (stuffed on the wire), a mbox-style
     * "From " line, trailing white space, a tab, UTF-8 (8BITMIME), an empty line and a long line.
     */
    private static final String BODY = "Hello Bob,\r\n"
        + ".a line that starts with a dot\r\n"
        + "From here on nothing is quoted\r\n"
        + "trailing white space   \r\n"
        + "\ttabbed\r\n"
        + "caf\u00e9 \u00fcber na\u00efve\r\n"
        + "\r\n"
        + "x".repeat(900) + "\r\n"
        + "-- \r\nAlice\r\n";

    @RegisterExtension
    final PosternExtension postern = new PosternExtension();

    @TempDir
    Path dovecotDirectory;

    private DovecotServer dovecot;

    @AfterEach
    void stopDovecot() {
        if (dovecot != null) {
            dovecot.close();
        }
    }

    @Test
    void dovecotServesWhatLocalDeliveryWroteWithItsHeadersIntact() throws Exception {
        PosternProcess server = postern.newServer().myhostname(HOST).start();
        server.webAdmin().putUser("bob@" + HOST, "secret");
        Path mailRoot = server.varDir().resolve("mail");
        dovecot = new DovecotServer(dovecotDirectory, mailRoot).user("bob@" + HOST, "imap-secret").start();

        String queueId = send(server, SENDER, "bob@" + HOST, "dovecot-1");
        Path fresh = mailRoot.resolve(HOST).resolve("bob").resolve("Maildir").resolve("new");
        Path file = Await.value("the message in " + fresh, WAIT, () -> files(fresh), list -> list.size() == 1).get(0);
        server.awaitMaillogLine("local delivery of " + queueId, WAIT, line -> line.contains(" postern/local[")
            && line.contains(": " + queueId + ": to=<bob@" + HOST + ">") && line.contains("status=sent (delivered to maildir)"));
        byte[] written = Files.readAllBytes(file);

        dovecot.handOver();
        byte[] served;
        try (ImapClient imap = dovecot.imap("bob@" + HOST, "imap-secret")) {
            assertThat(imap.select("INBOX")).as(dovecot.describe()).isEqualTo(1);
            served = imap.fetchMessage(1);
            imap.logout();
        }

        assertThat(served).as("IMAP serves the Maildir file byte for byte").isEqualTo(written);
        String message = new String(served, StandardCharsets.UTF_8);
        assertThat(message).startsWith("Return-Path: <" + SENDER + ">\r\nX-Original-To: bob@" + HOST + "\r\nDelivered-To: bob@" + HOST + "\r\n");
        assertThat(headers(message))
            .anyMatch(h -> h.startsWith("Received: ") && h.contains("by " + HOST + " (Postern) with ESMTP id " + queueId))
            .contains("Subject: Dovecot interoperability dovecot-1", "Message-ID: <dovecot-1@it.postern.test>",
                "From: <" + SENDER + ">", "To: <bob@" + HOST + ">");
        assertThat(body(served)).as("the body, byte for byte").isEqualTo(BODY.getBytes(StandardCharsets.UTF_8));
        assertThat(files(fresh)).as("Dovecot took the message from new/ to cur/").isEmpty();
    }

    @Test
    void theLmtpAgentDeliversToDovecotAndAnUnknownUserBouncesToTheSender() throws Exception {
        SmtpSink senders = postern.newSink();
        PosternProcess server = postern.newServer().myhostname(HOST);
        Path mailRoot = server.varDir().resolve("mail");
        dovecot = new DovecotServer(dovecotDirectory, mailRoot).user("bob@" + LMTP_DOMAIN, "imap-secret");
        server.parameter("transport_maps", "texthash:conf/transport")
            .parameter("minimal_backoff_time", "1s").parameter("maximal_backoff_time", "2s")
            .writeConfFile("transport", String.join("\n",
                LMTP_DOMAIN + "    " + dovecot.lmtpRoute(),
                "sender.test     smtp:" + senders.relayhost(),
                ""))
            .start();
        dovecot.start();

        String queueId = send(server, SENDER, "bob@" + LMTP_DOMAIN, "lmtp-1");
        DeliveryLogLine sent = TransportMapsIT.awaitLine(server, "bob@" + LMTP_DOMAIN);
        assertThat(sent.service()).as(sent.line()).isEqualTo("lmtp");
        assertThat(sent.queueId()).isEqualTo(queueId);
        assertThat(sent.relay()).isEqualTo("127.0.0.1[127.0.0.1]:" + dovecot.lmtpPort());
        assertThat(sent.dsn()).isEqualTo("2.0.0");
        assertThat(sent.status()).as(dovecot.describe()).isEqualTo("sent");
        assertThat(sent.text()).as("Dovecot's own reply").matches("250 2\\.0\\.0 <bob@lmtp\\.example> \\S+ Saved");

        byte[] served;
        try (ImapClient imap = dovecot.imap("bob@" + LMTP_DOMAIN, "imap-secret")) {
            assertThat(imap.select("INBOX")).as(dovecot.describe()).isEqualTo(1);
            served = imap.fetchMessage(1);
            imap.logout();
        }
        String message = new String(served, StandardCharsets.UTF_8);
        assertThat(headers(message)).as(message)
            .contains("Return-Path: <" + SENDER + ">", "Delivered-To: bob@" + LMTP_DOMAIN,
                "Subject: Dovecot interoperability lmtp-1", "Message-ID: <lmtp-1@it.postern.test>")
            .anyMatch(h -> h.startsWith("Received: ") && h.contains("by " + HOST + " (Postern) with ESMTP id " + queueId));
        assertThat(body(served)).isEqualTo(BODY.getBytes(StandardCharsets.UTF_8));

        String unknownId = send(server, SENDER, "nobody@" + LMTP_DOMAIN, "lmtp-2");
        DeliveryLogLine bounced = TransportMapsIT.awaitLine(server, "nobody@" + LMTP_DOMAIN);
        assertThat(bounced.service()).isEqualTo("lmtp");
        assertThat(bounced.queueId()).isEqualTo(unknownId);
        assertThat(bounced.relay()).isEqualTo("127.0.0.1[127.0.0.1]:" + dovecot.lmtpPort());
        assertThat(bounced.status()).as(bounced.line()).isEqualTo("bounced");
        assertThat(bounced.dsn()).isEqualTo("5.1.1");
        assertThat(bounced.text()).as("Dovecot's refusal, quoted").contains("said: 550 5.1.1 <nobody@" + LMTP_DOMAIN + ">");

        SinkMessage bounce = senders.awaitMessages(1, WAIT).get(0);
        assertThat(bounce.sender()).as("a bounce has the null sender").isEmpty();
        assertThat(bounce.recipients()).containsExactly(SENDER);
        ReceivedReport report = ReceivedReport.parse(bounce);
        assertThat(report.messageFields().get("X-Postfix-Queue-ID")).isEqualTo(unknownId);
        assertThat(report.recipientFields()).singleElement().satisfies(recipient -> {
            assertThat(recipient.get("Final-Recipient")).isEqualTo("rfc822; nobody@" + LMTP_DOMAIN);
            assertThat(recipient.get("Action")).isEqualTo("failed");
            assertThat(recipient.get("Status")).isEqualTo("5.1.1");
            // Postfix's DSN diagnostic type for LMTP replies is "smtp" too: they are SMTP replies (RFC 2033).
            assertThat(recipient.get("Diagnostic-Code")).startsWith("smtp; 550 5.1.1 <nobody@" + LMTP_DOMAIN + ">");
        });
        assertThat(files(mailRoot.resolve(LMTP_DOMAIN).resolve("nobody").resolve("Maildir").resolve("new")))
            .as("nothing filed for the unknown user").isEmpty();
    }

    private static String send(PosternProcess server, String from, String to, String token) {
        String content = "From: <" + from + ">\r\n"
            + "To: <" + to + ">\r\n"
            + "Subject: Dovecot interoperability " + token + "\r\n"
            + "Message-ID: <" + token + "@it.postern.test>\r\n"
            + "MIME-Version: 1.0\r\n"
            + "Content-Type: text/plain; charset=UTF-8\r\n"
            + "Content-Transfer-Encoding: 8bit\r\n"
            + "\r\n"
            + BODY;
        try (SmtpClient client = server.connect()) {
            client.ehlo("client.example");
            assertThat(client.mailFrom(from, "BODY=8BITMIME").code()).isEqualTo(250);
            assertThat(client.rcptTo(to).code()).isEqualTo(250);
            ClientReply reply = client.data(content);
            client.quit();
            assertThat(reply.full()).matches("250 2\\.0\\.0 Ok: queued as [0-9A-F]{10,12}");
            return reply.full().substring(reply.full().lastIndexOf(' ') + 1);
        }
    }

    /** The header fields of a message, each unfolded onto one line. */
    private static List<String> headers(String message) {
        String block = message.substring(0, message.indexOf("\r\n\r\n"));
        return Arrays.asList(block.replaceAll("\r\n[ \t]+", " ").split("\r\n"));
    }

    private static byte[] body(byte[] message) {
        for (int i = 0; i + 3 < message.length; i++) {
            if (message[i] == '\r' && message[i + 1] == '\n' && message[i + 2] == '\r' && message[i + 3] == '\n') {
                return Arrays.copyOfRange(message, i + 4, message.length);
            }
        }
        throw new AssertionError("no end of the header block in the message");
    }

    private static List<Path> files(Path directory) {
        if (!Files.isDirectory(directory)) {
            return List.of();
        }
        try (Stream<Path> files = Files.list(directory)) {
            return files.toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
