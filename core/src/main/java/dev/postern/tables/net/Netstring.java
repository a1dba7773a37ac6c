package dev.postern.tables.net;

import java.io.IOException;
import java.nio.charset.StandardCharsets;

/**
 * The netstring encoding of the socketmap protocol ({@code 12:hello world!,}: the length in
 * decimal, a colon, the bytes, a comma). Text is UTF-8.
 */
final class Netstring {
    /** Where the bytes of a reply come from: the next byte, or -1 at end of stream. */
    @FunctionalInterface
    interface ByteSource {
        int next() throws IOException;
    }

    private Netstring() {
    }

    static byte[] encode(String text) {
        byte[] body = text.getBytes(StandardCharsets.UTF_8);
        byte[] prefix = (body.length + ":").getBytes(StandardCharsets.US_ASCII);
        byte[] encoded = new byte[prefix.length + body.length + 1];
        System.arraycopy(prefix, 0, encoded, 0, prefix.length);
        System.arraycopy(body, 0, encoded, prefix.length, body.length);
        encoded[encoded.length - 1] = ',';
        return encoded;
    }

    /**
     * Reads one netstring of at most {@code limit} bytes.
     *
     * @throws java.io.EOFException when the stream ends before the first byte or inside the netstring
     * @throws IOException          naming what is malformed: a length that is not a number or too
     *                              large, a missing comma
     */
    static String decode(ByteSource source, int limit) throws IOException {
        long length = 0;
        int digits = 0;
        int c;
        while ((c = source.next()) != ':') {
            if (c < 0) {
                throw new java.io.EOFException(digits == 0 ? "connection closed by server" : "truncated netstring");
            }
            if (c < '0' || c > '9' || digits > 9) {
                throw new IOException("malformed netstring: bad length");
            }
            length = length * 10 + (c - '0');
            digits++;
        }
        if (digits == 0) {
            throw new IOException("malformed netstring: missing length");
        }
        if (length > limit) {
            throw new IOException("netstring of " + length + " bytes exceeds the limit of " + limit);
        }
        byte[] body = new byte[(int) length];
        for (int i = 0; i < body.length; i++) {
            int b = source.next();
            if (b < 0) {
                throw new java.io.EOFException("truncated netstring");
            }
            body[i] = (byte) b;
        }
        int end = source.next();
        if (end != ',') {
            throw new IOException("malformed netstring: missing comma after " + length + " bytes");
        }
        return new String(body, StandardCharsets.UTF_8);
    }
}
