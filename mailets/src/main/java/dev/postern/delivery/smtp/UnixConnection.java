package dev.postern.delivery.smtp;

import java.io.IOException;
import java.net.SocketTimeoutException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.nio.file.Path;
import java.time.Duration;

import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSession;
import javax.net.ssl.SSLSocketFactory;

/**
 * A UNIX-domain socket connection (lmtp {@code unix:/path}). Channels have no read timeout of
 * their own, so reads and writes wait on a selector with the deadline.
 */
final class UnixConnection extends Connection {
    private final SocketChannel channel;
    private final Selector selector;
    private final ByteBuffer pending = ByteBuffer.allocate(16 * 1024);
    private Duration writeTimeout = Duration.ofMinutes(3);

    private UnixConnection(SocketChannel channel) throws IOException {
        this.channel = channel;
        this.selector = Selector.open();
        channel.configureBlocking(false);
    }

    static UnixConnection connect(Path path) throws IOException {
        SocketChannel channel = SocketChannel.open(StandardProtocolFamily.UNIX);
        try {
            // A local connect either succeeds or fails at once: no timeout needed.
            channel.connect(UnixDomainSocketAddress.of(path));
            return new UnixConnection(channel);
        } catch (IOException e) {
            channel.close();
            throw e;
        }
    }

    void setWriteTimeout(Duration timeout) {
        this.writeTimeout = timeout;
    }

    @Override
    protected int readSome(byte[] into, int offset, int length, Duration timeout) throws IOException {
        ByteBuffer buffer = ByteBuffer.wrap(into, offset, length);
        int n = channel.read(buffer);
        if (n == 0) {
            await(SelectionKey.OP_READ, timeout);
            n = channel.read(buffer);
        }
        return n;
    }

    @Override
    void write(byte[] bytes, int offset, int length) throws IOException {
        int done = 0;
        while (done < length) {
            int chunk = Math.min(pending.remaining(), length - done);
            pending.put(bytes, offset + done, chunk);
            done += chunk;
            if (!pending.hasRemaining()) {
                flush();
            }
        }
    }

    @Override
    void flush() throws IOException {
        pending.flip();
        while (pending.hasRemaining()) {
            if (channel.write(pending) == 0) {
                await(SelectionKey.OP_WRITE, writeTimeout);
            }
        }
        pending.clear();
    }

    private void await(int operation, Duration timeout) throws IOException {
        SelectionKey key = channel.register(selector, operation);
        try {
            if (selector.select(Math.max(1, timeout.toMillis())) == 0) {
                throw new SocketTimeoutException("no progress within " + timeout.toMillis() + "ms");
            }
        } finally {
            key.cancel();
            selector.selectNow();
        }
    }

    @Override
    SSLSession startTls(SSLSocketFactory factory, String hostname, SSLParameters parameters) {
        throw new UnsupportedOperationException("no TLS over a UNIX-domain socket");
    }

    @Override
    public void close() throws IOException {
        try {
            selector.close();
        } finally {
            channel.close();
        }
    }
}
