package dev.postern.delivery.smtp;

import java.io.ByteArrayOutputStream;
import java.io.Closeable;
import java.io.EOFException;
import java.io.IOException;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;

import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSession;
import javax.net.ssl.SSLSocketFactory;

/**
 * A byte stream to one server, TCP or UNIX-domain, read a line at a time with a deadline per
 * read. A timeout is a {@link SocketTimeoutException}, a closed connection an
 * {@link EOFException}, so the session can tell Postfix's "timed out" from "lost connection".
 */
abstract class Connection implements Closeable {
    /** Longer reply lines are a broken server, not a reason to fill the heap. */
    static final int MAX_LINE = 64 * 1024;

    private final byte[] buffer = new byte[8192];
    private int start;
    private int end;

    /** Reads at least one byte into {@code into}, waiting at most {@code timeout}; -1 at end of stream. */
    protected abstract int readSome(byte[] into, int offset, int length, Duration timeout) throws IOException;

    abstract void write(byte[] bytes, int offset, int length) throws IOException;

    abstract void flush() throws IOException;

    /**
     * Starts TLS on this connection (after the server's 220 to STARTTLS) with the protocols,
     * cipher suites and SNI name of {@code parameters}; the server's certificate is judged by the
     * caller afterwards, from the session returned.
     */
    abstract SSLSession startTls(SSLSocketFactory factory, String hostname, SSLParameters parameters) throws IOException;

    /** One line without its CR LF. */
    String readLine(Duration timeout) throws IOException {
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        while (true) {
            if (start == end) {
                int n = readSome(buffer, 0, buffer.length, timeout);
                if (n < 0) {
                    throw new EOFException("connection closed by the server");
                }
                start = 0;
                end = n;
            }
            while (start < end) {
                byte b = buffer[start++];
                if (b == '\n') {
                    byte[] bytes = line.toByteArray();
                    int length = bytes.length > 0 && bytes[bytes.length - 1] == '\r' ? bytes.length - 1 : bytes.length;
                    return new String(bytes, 0, length, StandardCharsets.UTF_8);
                }
                line.write(b);
                if (line.size() > MAX_LINE) {
                    throw new IOException("reply line longer than " + MAX_LINE + " bytes");
                }
            }
        }
    }

    /** Input already read but not consumed: a server that talks before TLS is started is an attack (CVE-2011-0411). */
    boolean hasBufferedInput() {
        return start < end;
    }

    void writeLine(String line) throws IOException {
        writeLines(List.of(line));
    }

    /** Several command lines in one write (RFC 2920 pipelining), as far as the output buffer holds them. */
    void writeLines(List<String> lines) throws IOException {
        for (String line : lines) {
            byte[] bytes = (line + "\r\n").getBytes(StandardCharsets.UTF_8);
            write(bytes, 0, bytes.length);
        }
        flush();
    }
}
