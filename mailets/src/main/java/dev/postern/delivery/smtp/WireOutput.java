package dev.postern.delivery.smtp;

import java.io.IOException;
import java.io.OutputStream;

/**
 * Stored message bytes turned into what goes on the wire, as they stream past: every line ends in
 * CR LF (a bare LF becomes CR LF), a bare CR becomes a space (the rule of
 * {@link dev.postern.content.BareCarriageReturns}, applied without seeing the whole message: a CR
 * waits for the next byte), a last line without its end gets one, and, when sending, a dot at the
 * start of a line is doubled. Counts the bytes before dot-stuffing (the size for {@code SIZE=})
 * and notes any 8-bit byte. {@link #finish()} ends the content; the final dot is the caller's.
 */
final class WireOutput extends OutputStream {
    /** Where the bytes go: the connection, or nowhere when only measuring. */
    @FunctionalInterface
    interface Target {
        void write(byte[] bytes, int offset, int length) throws IOException;
    }

    /** The most bytes handed to the target in one write. */
    static final int BUFFER_SIZE = 8192;

    private final Target target;
    private final boolean dotStuffing;
    private final byte[] buffer = new byte[BUFFER_SIZE];
    private int used;
    private long count;
    private boolean eightBit;
    private boolean pendingCr;
    private boolean atLineStart = true;
    private boolean empty = true;

    WireOutput(Target target, boolean dotStuffing) {
        this.target = target;
        this.dotStuffing = dotStuffing;
    }

    @Override
    public void write(int b) throws IOException {
        byte value = (byte) b;
        if (pendingCr) {
            pendingCr = false;
            if (value == '\n') {
                lineEnd();
                return;
            }
            content((byte) ' ');
        }
        if (value == '\r') {
            pendingCr = true;
        } else if (value == '\n') {
            lineEnd();
        } else {
            content(value);
        }
    }

    /**
     * Copies the bytes between line ends as one run; only a line's first byte (a dot to double) and
     * CR and LF go through {@link #write(int)}, so a 100 KB message is a few thousand array copies,
     * not a hundred thousand calls.
     */
    @Override
    public void write(byte[] bytes, int offset, int length) throws IOException {
        int end = offset + length;
        int i = offset;
        while (i < end) {
            byte first = bytes[i];
            if (pendingCr || atLineStart || first == '\r' || first == '\n') {
                write(first);
                i++;
                continue;
            }
            int runEnd = i;
            int seen = 0;
            while (runEnd < end) {
                byte value = bytes[runEnd];
                if (value == '\r' || value == '\n') {
                    break;
                }
                seen |= value;
                runEnd++;
            }
            if (seen < 0) {
                eightBit = true;
            }
            put(bytes, i, runEnd - i);
            i = runEnd;
        }
    }

    /** Ends the content: a CR at the very end is bare, and the last line gets its CR LF. */
    void finish() throws IOException {
        if (pendingCr) {
            pendingCr = false;
            content((byte) ' ');
        }
        if (!empty && !atLineStart) {
            lineEnd();
        }
        drain();
    }

    long count() {
        return count;
    }

    boolean isEightBit() {
        return eightBit;
    }

    private void content(byte value) throws IOException {
        if (value < 0) {
            eightBit = true;
        }
        if (atLineStart && value == '.' && dotStuffing) {
            put((byte) '.');
            count--;
        }
        atLineStart = false;
        put(value);
    }

    private void lineEnd() throws IOException {
        put((byte) '\r');
        put((byte) '\n');
        atLineStart = true;
    }

    private void put(byte value) throws IOException {
        if (used == buffer.length) {
            drain();
        }
        buffer[used++] = value;
        count++;
        empty = false;
    }

    private void put(byte[] bytes, int offset, int length) throws IOException {
        int from = offset;
        int left = length;
        while (left > 0) {
            if (used == buffer.length) {
                drain();
            }
            int part = Math.min(left, buffer.length - used);
            System.arraycopy(bytes, from, buffer, used, part);
            used += part;
            from += part;
            left -= part;
        }
        count += length;
        if (length > 0) {
            empty = false;
        }
    }

    private void drain() throws IOException {
        if (used > 0) {
            target.write(buffer, 0, used);
            used = 0;
        }
    }
}
