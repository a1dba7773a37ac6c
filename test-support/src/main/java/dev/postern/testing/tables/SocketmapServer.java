package dev.postern.testing.tables;

import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.UnixDomainSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

/**
 * A socketmap server (socketmap_table(5)) for tests: reads netstring requests {@code name key}
 * and answers each with the netstring its {@link Responder} gives ({@code OK value},
 * {@code NOTFOUND }, {@code TEMP reason}, ...). Written from the protocol description, for the tests.
 */
public final class SocketmapServer extends LineServer {
    private static final Protocol NETSTRINGS = new Protocol() {
        @Override
        public String readRequest(InputStream in) throws IOException {
            int length = 0;
            int c = in.read();
            if (c < 0) {
                return null;
            }
            while (c != ':') {
                if (c < '0' || c > '9') {
                    throw new IOException("bad netstring length");
                }
                length = length * 10 + (c - '0');
                c = in.read();
            }
            byte[] body = in.readNBytes(length);
            if (body.length < length || in.read() != ',') {
                throw new EOFException("truncated netstring");
            }
            return new String(body, StandardCharsets.UTF_8);
        }

        @Override
        public void writeReply(OutputStream out, String reply) throws IOException {
            byte[] body = reply.getBytes(StandardCharsets.UTF_8);
            ByteArrayOutputStream encoded = new ByteArrayOutputStream();
            encoded.writeBytes((body.length + ":").getBytes(StandardCharsets.US_ASCII));
            encoded.writeBytes(body);
            encoded.write(',');
            out.write(encoded.toByteArray());
        }
    };

    private SocketmapServer(java.net.SocketAddress address, Responder responder) throws IOException {
        super(address, NETSTRINGS, responder);
    }

    /** Listens on 127.0.0.1:{@code port} (0: any free port). */
    public static SocketmapServer onLoopback(int port, Responder responder) throws IOException {
        return new SocketmapServer(loopback(port), responder);
    }

    /** Listens on a UNIX-domain socket at {@code path}. */
    public static SocketmapServer onUnixSocket(Path path, Responder responder) throws IOException {
        return new SocketmapServer(UnixDomainSocketAddress.of(path), responder);
    }
}
