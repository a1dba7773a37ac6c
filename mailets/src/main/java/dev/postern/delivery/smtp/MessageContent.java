package dev.postern.delivery.smtp;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;

import javax.mail.MessagingException;
import javax.mail.internet.MimeMessage;

import org.apache.james.server.core.MimeMessageWrapper;

/**
 * The message as it goes on the wire ({@link WireOutput}: CR LF line ends, bare CRs made spaces,
 * dot-stuffing while sending), the size for {@code SIZE=}, and whether any byte is 8-bit (for
 * {@code BODY=8BITMIME}). The stored message is read once to measure it before MAIL FROM; up to
 * {@link #HOLD_LIMIT} bytes, that pass keeps its wire form and sending writes it out (one read of
 * the queue record per delivery, not two). A larger message is read a second time and streamed to
 * the socket, so no copy of it is held in memory.
 */
final class MessageContent {
    private static final byte[] END_OF_DATA = {'.', '\r', '\n'};
    private static final int COPY_CHUNK = 16 * 1024;
    /** At most this much wire form is kept from the measuring pass: 40 delivery threads hold at most 5 MB. */
    static final int HOLD_LIMIT = 128 * 1024;

    /** The stored message, written out again on each call. */
    @FunctionalInterface
    private interface Source {
        void writeTo(OutputStream out) throws IOException;
    }

    private final Source source;
    private final long size;
    private final boolean eightBit;
    /** The dot-stuffed wire form without the final dot, or null: read the source again to send. */
    private final byte[] held;
    private final int heldLength;

    private MessageContent(Source source, long size, boolean eightBit, HeldBytes held) {
        this.source = source;
        this.size = size;
        this.eightBit = eightBit;
        this.held = held.array();
        this.heldLength = held.length();
    }

    static MessageContent of(MimeMessage message) throws IOException, MessagingException {
        return of(message, HOLD_LIMIT);
    }

    /** @param holdLimit the most wire bytes kept from the measuring pass (a test's choice; else {@link #HOLD_LIMIT}) */
    static MessageContent of(MimeMessage message, int holdLimit) throws IOException, MessagingException {
        if (message instanceof MimeMessageWrapper stored && !stored.isModified()) {
            // Unchanged, the stored size is the source's: what is too large to hold is not tried.
            long storedSize;
            try {
                storedSize = stored.getMessageSize();
            } catch (MessagingException e) {
                throw new IOException("cannot read the size of the stored message " + stored.getSourceId() + ": " + e.getMessage(), e);
            }
            return measure(out -> copyStored(stored, out), storedSize > holdLimit ? 0 : holdLimit, storedSize);
        }
        // The first writeTo saves pending changes to the message, so both passes see the same bytes.
        return measure(out -> {
            try {
                message.writeTo(out);
            } catch (MessagingException e) {
                throw new IOException("cannot read the stored message: " + e.getMessage(), e);
            }
        }, holdLimit, 0);
    }

    static MessageContent of(byte[] raw) {
        try {
            return measure(out -> out.write(raw), HOLD_LIMIT, raw.length);
        } catch (IOException e) {
            throw new IllegalStateException("writing to memory failed", e);
        }
    }

    /**
     * An unchanged stored message goes out as its stored bytes: James's {@code writeTo} would parse
     * the header block on each pass (JavaMail's line reader also takes a bare CR for a line end, making
     * a new header line of what follows it, which {@link WireOutput} would have made a space).
     */
    private static void copyStored(MimeMessageWrapper stored, OutputStream out) throws IOException {
        try (InputStream in = stored.getMessageInputStream()) {
            byte[] chunk = new byte[COPY_CHUNK];
            int read;
            while ((read = in.read(chunk)) >= 0) {
                out.write(chunk, 0, read);
            }
        } catch (MessagingException e) {
            throw new IOException("cannot read the stored message " + stored.getSourceId() + ": " + e.getMessage(), e);
        }
    }

    /**
     * The measuring pass produces the dot-stuffed form, which counts and flags the same as the plain
     * one ({@link WireOutput} leaves doubled dots out of the count), so that it can be what is sent.
     */
    private static MessageContent measure(Source source, int holdLimit, long expectedSize) throws IOException {
        HeldBytes held = new HeldBytes(holdLimit, expectedSize);
        WireOutput counter = new WireOutput(held, true);
        source.writeTo(counter);
        counter.finish();
        return new MessageContent(source, counter.count(), counter.isEightBit(), held);
    }

    long size() {
        return size;
    }

    boolean isEightBit() {
        return eightBit;
    }

    /** Streams the content with a dot doubled at the start of each line, then the final dot. */
    void writeDotStuffed(Connection connection) throws IOException {
        if (held != null) {
            // In the pieces WireOutput would have written: each write to the socket has its own timeout.
            for (int offset = 0; offset < heldLength; offset += WireOutput.BUFFER_SIZE) {
                connection.write(held, offset, Math.min(WireOutput.BUFFER_SIZE, heldLength - offset));
            }
        } else {
            WireOutput wire = new WireOutput(connection::write, true);
            source.writeTo(wire);
            wire.finish();
        }
        connection.write(END_OF_DATA, 0, END_OF_DATA.length);
        connection.flush();
    }
}
