package dev.postern.testing.smtp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.Channels;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The scripted behaviours of {@link SmtpSink} that the courier tests rely on, seen from a raw
 * client: transcripts, LMTP, a silent server, a dropped dot, AUTH. (Replies, restart and waiting
 * are pinned by server-app's SmtpSinkTest.)
 */
class SmtpSinkScriptTest {
    @TempDir
    Path directory;

    private final SmtpSink sink = new SmtpSink();

    @AfterEach
    void stop() {
        sink.close();
    }

    @Test
    void theTranscriptKeepsTheDataAsSentWhileTheMessageIsUnstuffed() throws Exception {
        sink.start();
        try (RawClient client = RawClient.connect(sink.port())) {
            assertThat(client.reply()).isEqualTo("220 sink.postern.test ESMTP Postern test sink");
            client.send("EHLO client.test");
            assertThat(client.reply()).isEqualTo("250-sink.postern.test\n250-PIPELINING\n250-8BITMIME\n250-SIZE 0"
                    + "\n250-ENHANCEDSTATUSCODES\n250 SMTPUTF8");
            client.send("MAIL FROM:<a@client.test> BODY=8BITMIME");
            client.reply();
            client.send("RCPT TO:<b@sink.test>");
            client.reply();
            client.send("DATA");
            assertThat(client.reply()).startsWith("354 ");
            client.sendRaw("Subject: x\r\n\r\n..dot\nbare\r\n.\r\n");
            assertThat(client.reply()).isEqualTo("250 2.0.0 Ok: queued as SINK1");
            client.send("QUIT");
            client.reply();
        }
        sink.awaitIdle();
        SinkTranscript transcript = sink.connection(0);
        assertThat(transcript.lines()).containsExactly("EHLO client.test", "MAIL FROM:<a@client.test> BODY=8BITMIME",
                "RCPT TO:<b@sink.test>", "DATA", "QUIT");
        assertThat(transcript.message(0)).isEqualTo("Subject: x\r\n\r\n..dot\nbare\r\n");
        SinkMessage message = sink.awaitMessages(1, Duration.ofSeconds(5)).get(0);
        assertThat(message.contentAsString()).isEqualTo("Subject: x\r\n\r\n.dot\r\nbare\r\n");
        assertThat(message.mailParameters()).isEqualTo("BODY=8BITMIME");
        assertThat(transcript.tls()).isFalse();
    }

    @Test
    void lmtpRepliesPerRecipientAndRecordsTheMessageForThoseItAccepted() throws Exception {
        sink.speakLmtp().start().setRecipientDataReply(rcpt -> rcpt.startsWith("full")
                ? "452 4.2.2 <" + rcpt + "> Quota exceeded" : "250 2.0.0 <" + rcpt + "> Saved");
        try (RawClient client = RawClient.connect(sink.port())) {
            assertThat(client.reply()).endsWith(" LMTP Postern test sink");
            client.send("EHLO client.test");
            assertThat(client.reply()).startsWith("502 ");
            client.send("LHLO client.test");
            assertThat(client.reply()).startsWith("250-sink.postern.test");
            client.send("MAIL FROM:<a@client.test>");
            client.reply();
            client.send("RCPT TO:<full@sink.test>");
            client.reply();
            client.send("RCPT TO:<ok@sink.test>");
            client.reply();
            client.send("DATA");
            client.reply();
            client.sendRaw("Subject: x\r\n\r\nbody\r\n.\r\n");
            assertThat(client.reply()).isEqualTo("452 4.2.2 <full@sink.test> Quota exceeded");
            assertThat(client.reply()).isEqualTo("250 2.0.0 <ok@sink.test> Saved");
        }
        assertThat(sink.awaitMessages(1, Duration.ofSeconds(5)).get(0).recipients()).containsExactly("ok@sink.test");
    }

    @Test
    void perRecipientDataRepliesAreLmtpOnly() {
        assertThatThrownBy(() -> sink.setRecipientDataReply(rcpt -> "250 ok"))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("speakLmtp()");
        assertThatThrownBy(() -> sink.setReply("rcpt", "550 no"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("setRcptReply");
    }

    @Test
    void aSilentSinkSaysNothingAndAScriptedVerbReplyReplacesTheDefault() throws Exception {
        sink.start().setSilent(true);
        try (RawClient client = RawClient.connect(sink.port())) {
            assertThatThrownBy(client::reply).isInstanceOf(SocketTimeoutException.class);
        }
        sink.setSilent(false).setReply("EHLO", "502 5.5.2 Error: command not recognized");
        try (RawClient client = RawClient.connect(sink.port())) {
            client.reply();
            client.send("EHLO client.test");
            assertThat(client.reply()).isEqualTo("502 5.5.2 Error: command not recognized");
            client.send("HELO client.test");
            assertThat(client.reply()).isEqualTo("250 sink.postern.test");
        }
    }

    @Test
    void aDropAtTheDotClosesTheConnectionAndRecordsNoMessage() throws Exception {
        sink.start().setDropAtEndOfData(true);
        try (RawClient client = RawClient.connect(sink.port())) {
            client.reply();
            client.send("HELO client.test");
            client.reply();
            client.send("MAIL FROM:<a@client.test>");
            client.reply();
            client.send("RCPT TO:<b@sink.test>");
            client.reply();
            client.send("DATA");
            client.reply();
            client.sendRaw("Subject: x\r\n\r\nbody\r\n.\r\n");
            assertThat(client.reply()).isNull();
        }
        sink.awaitIdle();
        assertThat(sink.connection(0).messages()).hasSize(1);
        assertThat(sink.messageCount()).isZero();
    }

    @Test
    void authAcceptsOnlyTheScriptedCredentialsAndRecordsEveryAttempt() throws Exception {
        sink.start().setEhloKeywords("AUTH PLAIN LOGIN").setAuthAccepts("user:pw");
        try (RawClient client = RawClient.connect(sink.port())) {
            client.reply();
            client.send("EHLO client.test");
            assertThat(client.reply()).isEqualTo("250-sink.postern.test\n250 AUTH PLAIN LOGIN");
            client.send("AUTH PLAIN " + base64("\0user:wrong"));
            // "user:wrong" is one field: PLAIN needs authzid NUL user NUL password
            assertThat(client.reply()).startsWith("501 ");
            client.send("AUTH PLAIN " + base64("\0user\0wrong"));
            assertThat(client.reply()).startsWith("535 ");
            client.send("AUTH LOGIN");
            assertThat(client.reply()).isEqualTo("334 VXNlcm5hbWU6");
            client.send(base64("user"));
            assertThat(client.reply()).isEqualTo("334 UGFzc3dvcmQ6");
            client.send(base64("pw"));
            assertThat(client.reply()).startsWith("235 ");
        }
        sink.awaitIdle();
        assertThat(sink.connection(0).credentials()).containsExactly("PLAIN user:wrong", "LOGIN user:pw");
    }

    @Test
    void awaitIdleNamesTheConnectionStillOpen() throws Exception {
        sink.start();
        try (RawClient client = RawClient.connect(sink.port())) {
            client.reply();
            assertThatThrownBy(() -> sink.awaitIdle(Duration.ofMillis(200))).isInstanceOf(AssertionError.class)
                    .hasMessageContaining("connection 0 still open");
        }
    }

    @Test
    void listensOnAUnixDomainSocketUntilStopped() throws Exception {
        Path path = directory.resolve("lmtp");
        try (SmtpSink unix = SmtpSink.onUnixSocket(path).start();
             SocketChannel channel = SocketChannel.open(StandardProtocolFamily.UNIX)) {
            channel.connect(UnixDomainSocketAddress.of(path));
            BufferedReader in = new BufferedReader(new InputStreamReader(Channels.newInputStream(channel),
                    StandardCharsets.UTF_8));
            assertThat(in.readLine()).startsWith("220 ");
            assertThat(unix.socketPath()).isEqualTo(path);
            assertThatThrownBy(unix::port).isInstanceOf(IllegalStateException.class);
        }
        assertThat(Files.exists(path)).isFalse();
    }

    private static String base64(String text) {
        return Base64.getEncoder().encodeToString(text.getBytes(StandardCharsets.UTF_8));
    }

    /** Lines out, whole (multi-line) replies in, nothing else: the sink is what is under test. */
    private static final class RawClient implements AutoCloseable {
        private final Socket socket;
        private final BufferedReader in;
        private final OutputStream out;

        private RawClient(Socket socket) throws IOException {
            this.socket = socket;
            this.in = new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.UTF_8));
            this.out = socket.getOutputStream();
        }

        static RawClient connect(int port) throws IOException {
            Socket socket = new Socket("127.0.0.1", port);
            socket.setSoTimeout(1000);
            return new RawClient(socket);
        }

        void send(String line) throws IOException {
            sendRaw(line + "\r\n");
        }

        void sendRaw(String text) throws IOException {
            out.write(text.getBytes(StandardCharsets.UTF_8));
            out.flush();
        }

        /** The reply's lines joined by \n, or null when the server closed the connection. */
        String reply() throws IOException {
            List<String> lines = new ArrayList<>();
            while (true) {
                String line = in.readLine();
                if (line == null) {
                    return lines.isEmpty() ? null : String.join("\n", lines);
                }
                lines.add(line);
                if (line.length() < 4 || line.charAt(3) != '-') {
                    return String.join("\n", lines);
                }
            }
        }

        @Override
        public void close() throws IOException {
            socket.close();
        }
    }
}
