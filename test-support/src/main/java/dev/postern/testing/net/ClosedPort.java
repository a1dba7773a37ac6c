package dev.postern.testing.net;

import java.io.Closeable;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;

/**
 * A loopback port on which nothing listens, held for as long as the test needs it. A port taken
 * from a server socket that was then closed is not good enough: it is in the ephemeral range, so a
 * connection to it may be given that very port as its own source port and connect to itself (TCP's
 * simultaneous open), and a test that expected "refused" then talks to its own echo. A socket bound
 * to the port but never listening keeps the kernel from handing it out, and connections to it are
 * refused.
 */
public final class ClosedPort implements Closeable {
    private static final InetAddress LOOPBACK = InetAddress.getLoopbackAddress() instanceof java.net.Inet4Address v4
        ? v4 : loopbackV4();

    private final Socket holder;

    public ClosedPort() {
        try {
            holder = new Socket();
            holder.bind(new InetSocketAddress(LOOPBACK, 0));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot reserve a loopback port", e);
        }
    }

    public int port() {
        return holder.getLocalPort();
    }

    /** {@code 127.0.0.1:PORT}. */
    public String hostAndPort() {
        return LOOPBACK.getHostAddress() + ":" + port();
    }

    private static InetAddress loopbackV4() {
        try {
            return InetAddress.getByAddress(new byte[] {127, 0, 0, 1});
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void close() throws IOException {
        holder.close();
    }
}
