package dev.postern.cleanup;

import java.io.IOException;
import java.io.InputStream;
import java.util.Arrays;

/**
 * Reads a message as Postfix's cleanup sees it: one record per line, and a line longer than
 * {@link #LINE_LENGTH_LIMIT} cut into several records (each but the last marked as
 * continued), so that a huge line never has to be held whole. A record keeps its line
 * terminator as read, so that a copy of the message can be written back byte for byte.
 */
final class MessageRecords implements AutoCloseable {
    /** Postfix's line_length_limit default: the longest record cleanup handles at once. */
    static final int LINE_LENGTH_LIMIT = 2048;

    private static final byte[] NONE = {};
    private static final byte[] LF = {'\n'};
    private static final byte[] CRLF = {'\r', '\n'};

    private final InputStream in;
    // reads in large blocks: a message is scanned byte by byte, and per-byte stream calls cost more than the scan
    private final byte[] buffer = new byte[64 * 1024];
    private int position;
    private int limit;
    private final byte[] line = new byte[LINE_LENGTH_LIMIT];
    private long index = -1;

    MessageRecords(InputStream in) {
        this.in = in;
    }

    /** One record: its bytes without the terminator, the terminator, and its position. */
    record Record(long index, byte[] content, byte[] terminator) {
        /** The line goes on in the next record: this one was cut at the length limit. */
        boolean continued() {
            return terminator.length == 0;
        }

        boolean startsWith(byte[] prefix) {
            return content.length >= prefix.length && Arrays.equals(content, 0, prefix.length, prefix, 0, prefix.length);
        }
    }

    /** The next record, or null at the end of the message. */
    Record next() throws IOException {
        int length = 0;
        while (length < LINE_LENGTH_LIMIT) {
            if (position == limit && !fill()) {
                return length == 0 ? null : record(length, NONE);
            }
            byte c = buffer[position++];
            if (c == '\n') {
                return record(length, LF);
            }
            if (c == '\r' && (position < limit || fill()) && buffer[position] == '\n') {
                position++;
                return record(length, CRLF);
            }
            line[length++] = c;
        }
        return record(length, NONE);
    }

    private boolean fill() throws IOException {
        int read = in.read(buffer, 0, buffer.length);
        if (read <= 0) {
            return false;
        }
        position = 0;
        limit = read;
        return true;
    }

    private Record record(int length, byte[] terminator) {
        index++;
        return new Record(index, Arrays.copyOf(line, length), terminator);
    }

    @Override
    public void close() throws IOException {
        in.close();
    }
}
