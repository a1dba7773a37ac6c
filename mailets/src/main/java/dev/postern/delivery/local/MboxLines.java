package dev.postern.delivery.local;

import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.OutputStream;

/**
 * The body of one mbox message, as mboxrd writes it: lines end in LF (a CRLF from the message
 * becomes LF), and a line that starts with {@code From }, after any number of {@code >}, gets one
 * more {@code >} in front, so a reader can tell it from the next message's separator and undo the
 * quoting exactly. {@link #finish} ends an unterminated last line.
 */
public final class MboxLines extends FilterOutputStream {
    private static final byte[] FROM = {'F', 'r', 'o', 'm', ' '};

    /** Bytes of the current line not yet written: a {@code >*From } candidate at a line start. */
    private final byte[] pending = new byte[4096];
    private int pendingLength;
    private boolean atLineStart = true;
    private boolean lastWasCr;
    private boolean endsWithNewline = true;

    public MboxLines(OutputStream out) {
        super(out);
    }

    @Override
    public void write(int b) throws IOException {
        if (lastWasCr) {
            lastWasCr = false;
            if (b == '\n') {
                newline();
                return;
            }
            put('\r');
        }
        if (b == '\r') {
            lastWasCr = true;
            return;
        }
        if (b == '\n') {
            newline();
            return;
        }
        put(b);
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
        for (int i = off; i < off + len; i++) {
            write(b[i]);
        }
    }

    /** Writes what is pending and makes sure the text ends with a line break; does not close. */
    public void finish() throws IOException {
        if (lastWasCr) {
            lastWasCr = false;
            put('\r');
        }
        flushPending(false);
        if (!endsWithNewline) {
            out.write('\n');
            endsWithNewline = true;
            atLineStart = true;
        }
        out.flush();
    }

    private void put(int b) throws IOException {
        endsWithNewline = false;
        if (!atLineStart) {
            out.write(b);
            return;
        }
        pending[pendingLength++] = (byte) b;
        int quotes = 0;
        while (quotes < pendingLength && pending[quotes] == '>') {
            quotes++;
        }
        int matched = pendingLength - quotes;
        for (int i = 0; i < matched; i++) {
            if (i >= FROM.length || pending[quotes + i] != FROM[i]) {
                flushPending(false);
                return;
            }
        }
        if (matched == FROM.length) {
            flushPending(true);
        } else if (pendingLength == pending.length) {
            flushPending(false); // a very long run of '>': no quoting needed for the rest of the line
        }
    }

    private void flushPending(boolean quote) throws IOException {
        if (quote) {
            out.write('>');
        }
        out.write(pending, 0, pendingLength);
        pendingLength = 0;
        atLineStart = false;
    }

    private void newline() throws IOException {
        flushPending(false);
        out.write('\n');
        atLineStart = true;
        endsWithNewline = true;
    }
}
