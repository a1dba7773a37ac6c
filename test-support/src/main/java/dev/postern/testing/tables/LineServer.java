package dev.postern.testing.tables;

import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.Channels;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A small table server for tests: accepts connections on a loopback port or a UNIX-domain socket,
 * and serves each on its own thread with a {@link Protocol} (one request, one reply, as long as
 * the client keeps the connection). Records the requests and counts the connections, so tests can
 * see that connections are reused.
 */
abstract class LineServer implements Closeable {
    /** Reads one request (null at end of stream) and writes one reply. */
    interface Protocol {
        String readRequest(InputStream in) throws IOException;

        void writeReply(OutputStream out, String reply) throws IOException;
    }

    private final ServerSocketChannel server;
    private final Protocol protocol;
    private final Responder responder;
    /** Appended to on every request (a benchmark sends hundreds of thousands): not copy-on-write. */
    private final List<String> requests = Collections.synchronizedList(new ArrayList<>());
    private final List<SocketChannel> clients = new CopyOnWriteArrayList<>();
    private final AtomicInteger connections = new AtomicInteger();
    private final Thread acceptor;
    private volatile boolean closed;

    /** What the server answers to a request; null closes the connection without a reply. */
    @FunctionalInterface
    public interface Responder {
        String reply(String request) throws Exception;
    }

    LineServer(SocketAddress address, Protocol protocol, Responder responder) throws IOException {
        this.server = address instanceof UnixDomainSocketAddress ? ServerSocketChannel.open(StandardProtocolFamily.UNIX)
            : ServerSocketChannel.open();
        this.server.bind(address);
        this.protocol = protocol;
        this.responder = responder;
        this.acceptor = new Thread(this::acceptLoop, getClass().getSimpleName() + "-accept");
        this.acceptor.setDaemon(true);
        this.acceptor.start();
    }

    static SocketAddress loopback(int port) {
        return new InetSocketAddress("127.0.0.1", port);
    }

    /** The TCP port (0 for a UNIX-domain socket). */
    public int port() {
        try {
            return server.getLocalAddress() instanceof InetSocketAddress inet ? inet.getPort() : 0;
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The requests received so far, decoded, in order. */
    public List<String> requests() {
        synchronized (requests) {
            return List.copyOf(requests);
        }
    }

    /** The connections accepted so far. */
    public int connections() {
        return connections.get();
    }

    /** The connections open now (clients that have not hung up). */
    public int openConnections() {
        return clients.size();
    }

    /** Closes the connections of the clients (the server keeps listening), as a server restart would. */
    public void dropConnections() {
        for (SocketChannel client : clients) {
            closeQuietly(client);
        }
        clients.clear();
    }

    private void acceptLoop() {
        while (!closed) {
            try {
                SocketChannel client = server.accept();
                if (closed) {
                    // accepted while close() ran (a thread blocked in accept keeps the socket listening)
                    closeQuietly(client);
                    return;
                }
                connections.incrementAndGet();
                clients.add(client);
                Thread worker = new Thread(() -> serve(client), getClass().getSimpleName() + "-client");
                worker.setDaemon(true);
                worker.start();
            } catch (IOException e) {
                return;
            }
        }
    }

    private void serve(SocketChannel client) {
        try (client) {
            InputStream in = Channels.newInputStream(client);
            OutputStream out = Channels.newOutputStream(client);
            String request;
            while ((request = protocol.readRequest(in)) != null) {
                requests.add(request);
                String reply = responder.reply(request);
                if (reply == null) {
                    return;
                }
                protocol.writeReply(out, reply);
                out.flush();
            }
        } catch (Exception e) {
            // the client went away or the test closed the server
        } finally {
            clients.remove(client);
        }
    }

    private static void closeQuietly(Closeable closeable) {
        try {
            closeable.close();
        } catch (IOException ignored) {
            // already closed
        }
    }

    /** Stops listening (when this returns, connections are refused) and closes the clients' connections. */
    @Override
    public void close() {
        closed = true;
        closeQuietly(server);
        try {
            acceptor.join(5000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        dropConnections();
    }
}
