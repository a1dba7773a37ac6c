package dev.postern.delivery.smtp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;

import javax.mail.Session;
import javax.mail.internet.MimeMessage;
import javax.net.ssl.SSLSocketFactory;

import org.apache.james.server.core.MimeMessageSource;
import org.apache.james.server.core.MimeMessageWrapper;
import org.junit.jupiter.api.Test;

class MessageContentTest {
    @Test
    void aBareCrInAHeaderNeverStartsAHeaderLineOnTheWire() throws IOException {
        String wire = onTheWire("Received: from x.example\rFrom: \"Your Bank\" <security@bank.example>\r\n"
            + "From: alice@client.example\r\n\r\nbody\r\n");

        assertThat(wire).isEqualTo("Received: from x.example From: \"Your Bank\" <security@bank.example>\r\n"
            + "From: alice@client.example\r\n\r\nbody\r\n.\r\n");
    }

    @Test
    void aBareCrBeforeADotIsNoEndOfDataForALenientNextHop() throws IOException {
        String wire = onTheWire("Subject: x\r\n\r\nfirst\r.\r\nMAIL FROM:<smuggler@evil.example>\r\n");

        assertThat(wire).isEqualTo("Subject: x\r\n\r\nfirst .\r\nMAIL FROM:<smuggler@evil.example>\r\n.\r\n");
        assertThat(wire.replace("\r\n", "")).doesNotContain("\r", "\n");
    }

    @Test
    void aBareLfEndsALineAsItDoesForTheChecksAndIsSentAsCrLf() throws IOException {
        assertThat(onTheWire("Subject: x\n\n.dot\nlast")).isEqualTo("Subject: x\r\n\r\n..dot\r\nlast\r\n.\r\n");
    }

    @Test
    void theSizeIsThatOfWhatIsSent() {
        assertThat(MessageContent.of("a\rb\r\n".getBytes(StandardCharsets.US_ASCII)).size()).isEqualTo(5);
    }

    @Test
    void aStoredMessageIsStreamedToTheConnectionNotCopiedFirst() throws Exception {
        RecordingConnection connection = new RecordingConnection();
        List<Integer> sentWhileReading = new ArrayList<>();
        byte[] line = ("x".repeat(1022) + "\r\n").getBytes(StandardCharsets.US_ASCII);
        int lines = MessageContent.HOLD_LIMIT / 1024 + 100;
        MimeMessage stored = new MimeMessage(Session.getInstance(new Properties())) {
            @Override
            public void writeTo(OutputStream out) throws IOException {
                out.write("Subject: big\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
                for (int i = 0; i < lines; i++) {
                    out.write(line);
                }
                sentWhileReading.add(connection.written.size());
            }
        };

        MessageContent content = MessageContent.of(stored);
        content.writeDotStuffed(connection);

        // Larger than what is held: the last pass over the stored message had already put most of it on the wire.
        assertThat(sentWhileReading).hasSize(2).last().satisfies(sent -> assertThat(sent).isGreaterThan((lines - 10) * 1024));
        assertThat(connection.written.size()).isEqualTo(content.size() + 3);
    }

    @Test
    void aStoredMessageGoesOutAsItsStoredBytesWithoutItsHeadersParsedAgain() throws Exception {
        // JavaMail's header reader takes a bare CR for a line end: parsed again, this would be two header lines.
        byte[] raw = "Received: from x.example\rFrom: evil@bank.example\r\nSubject: s\r\n\r\n.body\r\n"
            .getBytes(StandardCharsets.US_ASCII);
        RecordingConnection connection = new RecordingConnection();

        MessageContent content = MessageContent.of(new MimeMessageWrapper(new BytesSource(raw)));
        content.writeDotStuffed(connection);

        assertThat(connection.written.toString(StandardCharsets.US_ASCII))
            .isEqualTo("Received: from x.example From: evil@bank.example\r\nSubject: s\r\n\r\n..body\r\n.\r\n");
        assertThat(content.size()).isEqualTo(raw.length);
    }

    @Test
    void aSmallStoredMessageIsReadOnceAndSentAsItWouldHaveBeenStreamed() throws Exception {
        byte[] raw = ("Subject: \u00e9t\u00e9\r\n\r\n.a\r\r\nb\rc\n..d\r\n\r.\r\nlong " + "x".repeat(20_000) + "\r\n.\r")
            .getBytes(StandardCharsets.ISO_8859_1);
        BytesSource held = new BytesSource(raw);
        BytesSource streamed = new BytesSource(raw);
        RecordingConnection heldConnection = new RecordingConnection();
        RecordingConnection streamedConnection = new RecordingConnection();

        MessageContent heldContent = MessageContent.of(new MimeMessageWrapper(held));
        heldContent.writeDotStuffed(heldConnection);
        MessageContent streamedContent = MessageContent.of(new MimeMessageWrapper(streamed), 0);
        streamedContent.writeDotStuffed(streamedConnection);

        assertThat(held.opened).isEqualTo(1);
        assertThat(streamed.opened).isEqualTo(2);
        assertThat(heldConnection.written.toByteArray()).isEqualTo(streamedConnection.written.toByteArray());
        assertThat(heldContent.size()).isEqualTo(streamedContent.size()).isEqualTo(heldConnection.written.size() - 3 - 3);
        assertThat(heldContent.isEightBit()).isEqualTo(streamedContent.isEightBit()).isTrue();
    }

    @Test
    void aMessageWhoseWireFormOutgrowsWhatIsHeldIsReadAgainToSend() throws Exception {
        // 200 stored bytes under a limit of 250; their bare LFs become CR LF, 296 bytes on the wire.
        byte[] raw = ("Subject: s\n\n" + "a\n".repeat(94)).getBytes(StandardCharsets.US_ASCII);
        BytesSource source = new BytesSource(raw);
        RecordingConnection connection = new RecordingConnection();

        MessageContent content = MessageContent.of(new MimeMessageWrapper(source), 250);
        content.writeDotStuffed(connection);

        assertThat(source.opened).isEqualTo(2);
        assertThat(connection.written.toString(StandardCharsets.US_ASCII))
            .isEqualTo("Subject: s\r\n\r\n" + "a\r\n".repeat(94) + ".\r\n");
        assertThat(content.size()).isEqualTo(296);
    }

    @Test
    void aStoredMessageWhoseSizeCannotBeReadIsNamedInTheError() {
        MimeMessageSource gone = new MimeMessageSource() {
            @Override
            public String getSourceId() {
                return "queue content 42";
            }

            @Override
            public InputStream getInputStream() throws IOException {
                throw new IOException("no such content");
            }

            @Override
            public long getMessageSize() throws IOException {
                throw new IOException("no such content");
            }
        };

        assertThatThrownBy(() -> MessageContent.of(new MimeMessageWrapper(gone))).isInstanceOf(IOException.class)
            .hasMessageContaining("queue content 42");
    }

    @Test
    void aHeldMessageGoesToTheSocketInWritesNoLargerThanStreamingMakes() throws Exception {
        RecordingConnection connection = new RecordingConnection();

        MessageContent.of(new MimeMessageWrapper(new BytesSource(("Subject: s\r\n\r\n" + "y".repeat(30_000) + "\r\n")
            .getBytes(StandardCharsets.US_ASCII)))).writeDotStuffed(connection);

        assertThat(connection.writes).isGreaterThanOrEqualTo(4);
        assertThat(connection.largestWrite).isLessThanOrEqualTo(WireOutput.BUFFER_SIZE);
    }

    @Test
    void aChangedStoredMessageGoesOutWithItsChanges() throws Exception {
        MimeMessageWrapper stored = new MimeMessageWrapper(new BytesSource(
            "Subject: s\r\nBcc: hidden@example.com\r\n\r\nbody\r\n".getBytes(StandardCharsets.US_ASCII)));
        stored.removeHeader("Bcc");
        RecordingConnection connection = new RecordingConnection();

        MessageContent.of(stored).writeDotStuffed(connection);

        assertThat(connection.written.toString(StandardCharsets.US_ASCII))
            .doesNotContain("Bcc").contains("Subject: s\r\n").endsWith("body\r\n.\r\n");
    }

    @Test
    void theWireIsTheSameHoweverTheStoredBytesAreCutIntoWrites() throws IOException {
        String stored = "Subject: \u00e9t\u00e9\r\n\r\n.a\r\r\nb\rc\n..d\r\n\r.\r\nlong " + "x".repeat(9000) + "\r\n.\r";
        byte[] bytes = stored.getBytes(StandardCharsets.ISO_8859_1);
        String whole = onTheWire(stored);
        for (int cut = 1; cut <= 13; cut++) {
            RecordingConnection connection = new RecordingConnection();
            WireOutput wire = new WireOutput(connection::write, true);
            for (int offset = 0; offset < bytes.length; offset += cut) {
                wire.write(bytes, offset, Math.min(cut, bytes.length - offset));
            }
            wire.finish();

            assertThat(connection.written.toString(StandardCharsets.ISO_8859_1) + ".\r\n").as("writes of %d bytes", cut)
                .isEqualTo(whole);
            assertThat(wire.isEightBit()).isTrue();
        }
    }

    @Test
    void aMessageOfSevenBitBytesIsNotEightBit() {
        assertThat(MessageContent.of("Subject: x\r\n\r\n~\u007f\r\n".getBytes(StandardCharsets.US_ASCII)).isEightBit())
            .isFalse();
    }

    private static final class BytesSource implements MimeMessageSource {
        private final byte[] bytes;
        private int opened;

        BytesSource(byte[] bytes) {
            this.bytes = bytes;
        }

        @Override
        public String getSourceId() {
            return "test bytes";
        }

        @Override
        public InputStream getInputStream() {
            opened++;
            return new ByteArrayInputStream(bytes);
        }

        @Override
        public long getMessageSize() {
            return bytes.length;
        }
    }

    private static String onTheWire(String stored) throws IOException {
        RecordingConnection connection = new RecordingConnection();
        MessageContent.of(stored.getBytes(StandardCharsets.ISO_8859_1)).writeDotStuffed(connection);
        return connection.written.toString(StandardCharsets.ISO_8859_1);
    }

    private static final class RecordingConnection extends Connection {
        private final ByteArrayOutputStream written = new ByteArrayOutputStream();
        private int writes;
        private int largestWrite;

        @Override
        protected int readSome(byte[] into, int offset, int length, Duration timeout) {
            return -1;
        }

        @Override
        void write(byte[] bytes, int offset, int length) {
            writes++;
            largestWrite = Math.max(largestWrite, length);
            written.write(bytes, offset, length);
        }

        @Override
        void flush() {
        }

        @Override
        javax.net.ssl.SSLSession startTls(SSLSocketFactory factory, String hostname, javax.net.ssl.SSLParameters parameters) {
            throw new UnsupportedOperationException();
        }

        @Override
        public void close() {
        }
    }
}
