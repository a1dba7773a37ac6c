package dev.postern.delivery.smtp;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;

import javax.mail.Session;
import javax.mail.internet.MimeMessage;
import javax.net.ssl.SSLSocketFactory;

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
        MimeMessage stored = new MimeMessage(Session.getInstance(new Properties())) {
            @Override
            public void writeTo(OutputStream out) throws IOException {
                out.write("Subject: big\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
                for (int i = 0; i < 100; i++) {
                    out.write(line);
                }
                sentWhileReading.add(connection.written.size());
            }
        };

        MessageContent content = MessageContent.of(stored);
        content.writeDotStuffed(connection);

        // The last pass over the stored message had already put most of it on the wire.
        assertThat(sentWhileReading).last().satisfies(sent -> assertThat(sent).isGreaterThan(90 * 1024));
        assertThat(connection.written.size()).isEqualTo(content.size() + 3);
    }

    private static String onTheWire(String stored) throws IOException {
        RecordingConnection connection = new RecordingConnection();
        MessageContent.of(stored.getBytes(StandardCharsets.ISO_8859_1)).writeDotStuffed(connection);
        return connection.written.toString(StandardCharsets.ISO_8859_1);
    }

    private static final class RecordingConnection extends Connection {
        private final ByteArrayOutputStream written = new ByteArrayOutputStream();

        @Override
        protected int readSome(byte[] into, int offset, int length, Duration timeout) {
            return -1;
        }

        @Override
        void write(byte[] bytes, int offset, int length) {
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
