package dev.postern.tables.net;

import java.io.Closeable;
import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.time.Duration;

/**
 * One client connection to a table server, TCP or UNIX-domain alike, whose connect, every read
 * and every write end within a time limit (a non-blocking channel waited on with a selector:
 * blocking channels have no read timeout).
 */
final class TimedConnection implements Closeable {
    private final SocketChannel channel;
    private final Selector selector;
    private final long timeoutMillis;
    private final ByteBuffer input = ByteBuffer.allocate(4096).flip();

    private TimedConnection(SocketChannel channel, Selector selector, long timeoutMillis) {
        this.channel = channel;
        this.selector = selector;
        this.timeoutMillis = timeoutMillis;
    }

    static TimedConnection open(Endpoint endpoint, Duration timeout) throws IOException {
        SocketChannel channel = endpoint.unixPath() != null ? SocketChannel.open(StandardProtocolFamily.UNIX)
            : SocketChannel.open();
        Selector selector = null;
        try {
            channel.configureBlocking(false);
            selector = Selector.open();
            TimedConnection connection = new TimedConnection(channel, selector, Math.max(1, timeout.toMillis()));
            if (!channel.connect(endpoint.address())) {
                connection.await(SelectionKey.OP_CONNECT, "connect to " + endpoint);
                channel.finishConnect();
            }
            return connection;
        } catch (IOException | RuntimeException e) {
            channel.close();
            if (selector != null) {
                selector.close();
            }
            throw e;
        }
    }

    void write(byte[] bytes) throws IOException {
        ByteBuffer buffer = ByteBuffer.wrap(bytes);
        while (buffer.hasRemaining()) {
            if (channel.write(buffer) == 0) {
                await(SelectionKey.OP_WRITE, "write");
            }
        }
    }

    /** The next byte the server sent, 0-255, or -1 at end of stream. */
    int readByte() throws IOException {
        while (!input.hasRemaining()) {
            input.clear();
            int n = channel.read(input);
            input.flip();
            if (n < 0) {
                return -1;
            }
            if (n == 0) {
                await(SelectionKey.OP_READ, "read");
            }
        }
        return input.get() & 0xff;
    }

    private void await(int operation, String what) throws IOException {
        SelectionKey key = channel.register(selector, operation);
        try {
            if (selector.select(timeoutMillis) == 0) {
                throw new SocketTimeoutException(what + " timed out after " + timeoutMillis + " ms");
            }
        } finally {
            key.interestOps(0);
            selector.selectedKeys().clear();
        }
    }

    @Override
    public void close() {
        try {
            channel.close();
        } catch (IOException ignored) {
            // closing a connection we give up on; nothing left to do
        }
        try {
            selector.close();
        } catch (IOException ignored) {
            // as above
        }
    }
}
