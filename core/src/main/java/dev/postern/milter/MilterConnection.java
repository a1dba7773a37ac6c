package dev.postern.milter;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.StandardProtocolFamily;
import java.net.StandardSocketOptions;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.time.Duration;

/**
 * One socket to a filter, TCP or unix-domain alike, with a deadline on every wait: a non-blocking
 * channel and a selector, because a blocking {@link SocketChannel} has no read timeout.
 */
final class MilterConnection implements AutoCloseable {
    private final SocketChannel channel;
    private final Selector selector;
    private final String name;

    private MilterConnection(SocketChannel channel, Selector selector, String name) {
        this.channel = channel;
        this.selector = selector;
        this.name = name;
    }

    static MilterConnection open(MilterEndpoint endpoint, Duration timeout) throws MilterException {
        SocketAddress address = endpoint.address();
        SocketChannel channel = null;
        Selector selector = null;
        try {
            if (address instanceof InetSocketAddress inet && inet.isUnresolved()) {
                address = new InetSocketAddress(inet.getHostString(), inet.getPort());
            }
            channel = address instanceof UnixDomainSocketAddress
                ? SocketChannel.open(StandardProtocolFamily.UNIX) : SocketChannel.open();
            if (!(address instanceof UnixDomainSocketAddress)) {
                // a macro packet and its event go out as two small writes: without this, Nagle holds the
                // second until the filter's delayed ACK of the first, some 40 ms per event
                channel.setOption(StandardSocketOptions.TCP_NODELAY, true);
            }
            channel.configureBlocking(false);
            selector = Selector.open();
            MilterConnection connection = new MilterConnection(channel, selector, endpoint.name());
            if (!channel.connect(address)) {
                connection.await(SelectionKey.OP_CONNECT, timeout, "connect");
                channel.finishConnect();
            }
            return connection;
        } catch (IOException e) {
            closeQuietly(channel, selector);
            throw e instanceof MilterException milter ? milter
                : new MilterException("milter " + endpoint.name() + ": cannot connect: " + e.getMessage(), e);
        }
    }

    void write(MilterPacket packet, Duration timeout) throws MilterException {
        ByteBuffer buffer = ByteBuffer.wrap(packet.encode());
        try {
            long deadline = System.nanoTime() + timeout.toNanos();
            while (buffer.hasRemaining()) {
                if (channel.write(buffer) == 0) {
                    await(SelectionKey.OP_WRITE, remaining(deadline), "write");
                }
            }
        } catch (MilterException e) {
            throw e;
        } catch (IOException e) {
            throw new MilterException("milter " + name + ": error writing command '" + packet.command() + "': " + e.getMessage(), e);
        }
    }

    MilterPacket read(Duration timeout) throws MilterException {
        long deadline = System.nanoTime() + timeout.toNanos();
        ByteBuffer header = fill(ByteBuffer.allocate(4), deadline);
        int length = header.flip().getInt();
        if (length < 1 || length > MilterPacket.MAX_LENGTH) {
            throw new MilterException("milter " + name + ": bad packet length " + length);
        }
        ByteBuffer body = fill(ByteBuffer.allocate(length), deadline).flip();
        char command = (char) (body.get() & 0xFF);
        byte[] data = new byte[length - 1];
        body.get(data);
        return new MilterPacket(command, data);
    }

    private ByteBuffer fill(ByteBuffer buffer, long deadline) throws MilterException {
        try {
            while (buffer.hasRemaining()) {
                int read = channel.read(buffer);
                if (read < 0) {
                    throw new MilterException("milter " + name + ": connection closed by the filter");
                }
                if (read == 0) {
                    await(SelectionKey.OP_READ, remaining(deadline), "read");
                }
            }
            return buffer;
        } catch (MilterException e) {
            throw e;
        } catch (IOException e) {
            throw new MilterException("milter " + name + ": error reading: " + e.getMessage(), e);
        }
    }

    private static Duration remaining(long deadline) {
        return Duration.ofNanos(Math.max(0, deadline - System.nanoTime()));
    }

    private void await(int operation, Duration timeout, String what) throws IOException {
        long millis = timeout.toMillis();
        if (millis <= 0) {
            throw new MilterException("milter " + name + ": timeout on " + what);
        }
        SelectionKey key = channel.register(selector, operation);
        try {
            if (selector.select(millis) == 0) {
                throw new MilterException("milter " + name + ": timeout on " + what + " after " + timeout.toSeconds() + "s");
            }
        } finally {
            key.interestOps(0);
            selector.selectedKeys().clear();
        }
    }

    @Override
    public void close() {
        closeQuietly(channel, selector);
    }

    private static void closeQuietly(SocketChannel channel, Selector selector) {
        try {
            if (selector != null) {
                selector.close();
            }
            if (channel != null) {
                channel.close();
            }
        } catch (IOException e) {
            // nothing to do: the session with this filter is over either way
        }
    }
}
