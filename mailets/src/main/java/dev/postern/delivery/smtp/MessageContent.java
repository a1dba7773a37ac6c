package dev.postern.delivery.smtp;

import java.io.ByteArrayOutputStream;
import java.io.IOException;

import javax.mail.MessagingException;
import javax.mail.internet.MimeMessage;

import dev.postern.content.BareCarriageReturns;

/**
 * The message as it goes on the wire: lines end in CR LF (a bare LF, which ends a line for the
 * header and body checks too, becomes CR LF), the size for {@code SIZE=}, and whether any byte
 * is 8-bit (for {@code BODY=8BITMIME}). Dot-stuffing happens while writing. A bare CR is never
 * made a line break, which would start a header line or an end of data that the checks never
 * saw: it becomes a space ({@link BareCarriageReturns}), as the receiving side already made it.
 */
final class MessageContent {
    private static final byte[] END_OF_DATA = {'.', '\r', '\n'};

    private final byte[] bytes;
    private final boolean eightBit;

    private MessageContent(byte[] bytes, boolean eightBit) {
        this.bytes = bytes;
        this.eightBit = eightBit;
    }

    static MessageContent of(MimeMessage message) throws IOException, MessagingException {
        ByteArrayOutputStream raw = new ByteArrayOutputStream();
        message.writeTo(raw);
        return of(raw.toByteArray());
    }

    static MessageContent of(byte[] raw) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(raw.length + raw.length / 50 + 2);
        boolean eightBit = false;
        for (int i = 0; i < raw.length; i++) {
            byte b = raw[i];
            if (b < 0) {
                eightBit = true;
            }
            if (BareCarriageReturns.isBare(raw, i)) {
                out.write(' ');
            } else if (b == '\r') {
                out.write('\r');
                out.write('\n');
                i++;
            } else if (b == '\n') {
                out.write('\r');
                out.write('\n');
            } else {
                out.write(b);
            }
        }
        byte[] bytes = out.toByteArray();
        if (bytes.length > 0 && bytes[bytes.length - 1] != '\n') {
            out.write('\r');
            out.write('\n');
            bytes = out.toByteArray();
        }
        return new MessageContent(bytes, eightBit);
    }

    long size() {
        return bytes.length;
    }

    boolean isEightBit() {
        return eightBit;
    }

    /** Writes the content with a dot doubled at the start of each line, then the final dot. */
    void writeDotStuffed(Connection connection) throws IOException {
        int lineStart = 0;
        for (int i = 0; i < bytes.length; i++) {
            if (bytes[i] == '\n') {
                writeLine(connection, lineStart, i + 1);
                lineStart = i + 1;
            }
        }
        connection.write(END_OF_DATA, 0, END_OF_DATA.length);
        connection.flush();
    }

    private void writeLine(Connection connection, int from, int to) throws IOException {
        if (bytes[from] == '.') {
            connection.write(END_OF_DATA, 0, 1);
        }
        connection.write(bytes, from, to - from);
    }
}
