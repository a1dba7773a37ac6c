package dev.postern.restrictions;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;

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
    private final ByteArrayOutputStream buffer = new ByteArrayOutputStream(128);
    private long index = -1;

    MessageRecords(InputStream in) {
        this.in = new BufferedInputStream(in, 16 * 1024);
    }

    /** One record: its bytes without the terminator, the terminator, and its position. */
    record Record(long index, byte[] content, byte[] terminator) {
        /** The line goes on in the next record: this one was cut at the length limit. */
        boolean continued() {
            return terminator.length == 0;
        }
    }

    /** The next record, or null at the end of the message. */
    Record next() throws IOException {
        buffer.reset();
        int c;
        while (buffer.size() < LINE_LENGTH_LIMIT && (c = in.read()) != -1) {
            if (c == '\n') {
                return record(LF);
            }
            if (c == '\r') {
                in.mark(1);
                if (in.read() == '\n') {
                    return record(CRLF);
                }
                in.reset();
            }
            buffer.write(c);
        }
        if (buffer.size() == 0) {
            return null;
        }
        return record(NONE);
    }

    private Record record(byte[] terminator) {
        index++;
        return new Record(index, buffer.toByteArray(), terminator);
    }

    @Override
    public void close() throws IOException {
        in.close();
    }
}
