package dev.postern.policy;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.SocketTimeoutException;
import java.net.StandardProtocolFamily;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;

/**
 * The client of one policy server, Postfix's SMTPD access policy delegation protocol: a request
 * is {@code name=value} lines ended by an empty line, the reply the same with an
 * {@code action=} attribute. Connections are kept for the next request (of any session) until
 * they have been idle for {@code max_idle}, have lived for {@code max_ttl} or served
 * {@code request_limit} requests. Thread-safe: concurrent requests use separate connections.
 *
 * <p>As in Postfix, an idle connection is closed when its {@code max_idle} (or {@code max_ttl})
 * runs out, not when the next request comes: a policy server counts its clients, and one that
 * keeps a process per connection (postgrey, policyd-spf) would otherwise keep it for nothing.
 * A sweep, scheduled for the earliest expiry while connections are idle, closes them; its one
 * daemon thread exists only while there is something to sweep.
 */
public final class PolicyServiceClient implements AutoCloseable {
    /** Replies are a few lines; a longer one is a broken server. */
    private static final int MAX_REPLY = 64 * 1024;

    private final PolicyServiceAddress address;
    private final PolicyServiceSettings settings;
    private final LongSupplier nanoTime;
    /** The connections waiting for the next request; also the lock of the fields below. */
    private final Deque<Connection> idle = new ArrayDeque<>();
    /** Made at the first idle connection; its thread ends when nothing is scheduled. */
    private ScheduledThreadPoolExecutor sweeper;
    private ScheduledFuture<?> sweep;
    /** When the scheduled sweep runs, by {@code nanoTime}. */
    private long sweepAt;
    /** After {@link #close}: connections are closed after their request instead of kept. */
    private boolean closed;

    /**
     * The reply of one request: the action, or null when the server did not answer after
     * {@code try_limit} tries (the default action applies), with the warnings to log either way.
     */
    public record Answer(String action, List<String> warnings) {
        public Answer {
            warnings = List.copyOf(warnings);
        }

        public boolean failed() {
            return action == null;
        }
    }

    public PolicyServiceClient(PolicyServiceAddress address, PolicyServiceSettings settings) {
        this(address, settings, System::nanoTime);
    }

    PolicyServiceClient(PolicyServiceAddress address, PolicyServiceSettings settings, LongSupplier nanoTime) {
        this.address = Objects.requireNonNull(address, "address");
        this.settings = Objects.requireNonNull(settings, "settings");
        this.nanoTime = nanoTime;
    }

    public PolicyServiceAddress address() {
        return address;
    }

    public PolicyServiceSettings settings() {
        return settings;
    }

    /**
     * Sends one request and reads its action, trying up to {@code try_limit} times with
     * {@code retry_delay} between tries.
     *
     * @param attributes the request's attributes in order
     */
    public Answer ask(Map<String, String> attributes) {
        byte[] request = encode(attributes);
        List<String> warnings = new ArrayList<>();
        for (int attempt = 1; ; attempt++) {
            Connection connection = null;
            try {
                connection = take();
                String action = connection.exchange(request);
                release(connection);
                return new Answer(action, warnings);
            } catch (IOException e) {
                if (connection != null) {
                    connection.close();
                }
                warnings.add("problem talking to server " + address.serverName() + ": " + reason(e));
            }
            if (attempt >= settings.tryLimit()) {
                return new Answer(null, warnings);
            }
            try {
                Thread.sleep(settings.retryDelay().toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return new Answer(null, warnings);
            }
        }
    }

    /**
     * Closes the idle connections, and from now on each connection when its request ends: a
     * session that started with a configuration that was since replaced may still ask.
     */
    @Override
    public void close() {
        List<Connection> closing;
        synchronized (idle) {
            closed = true;
            closing = new ArrayList<>(idle);
            idle.clear();
            if (sweeper != null) {
                sweeper.shutdownNow();
                sweeper = null;
                sweep = null;
            }
        }
        closing.forEach(Connection::close);
    }

    /** Closes the idle connections whose {@code max_idle} or {@code max_ttl} ran out. */
    void sweep() {
        long now = nanoTime.getAsLong();
        List<Connection> expired = new ArrayList<>();
        synchronized (idle) {
            idle.removeIf(connection -> !connection.reusable(now) && expired.add(connection));
            sweep = null;
            idle.stream().mapToLong(Connection::expiry).min().ifPresent(this::scheduleSweep);
        }
        expired.forEach(Connection::close);
    }

    /** Makes the sweep run by {@code expiry} (a {@code nanoTime}); call holding the lock. */
    private void scheduleSweep(long expiry) {
        if (sweep != null && sweepAt <= expiry) {
            return;
        }
        if (sweep != null) {
            sweep.cancel(false);
        }
        if (sweeper == null) {
            sweeper = new ScheduledThreadPoolExecutor(1, task -> {
                Thread thread = new Thread(task, "policy-service-idle " + address.serverName());
                thread.setDaemon(true);
                return thread;
            });
            sweeper.setKeepAliveTime(1, TimeUnit.SECONDS);
            sweeper.allowCoreThreadTimeOut(true);
            sweeper.setRemoveOnCancelPolicy(true);
        }
        sweepAt = expiry;
        // A millisecond late, so that the connection has expired when the sweep looks.
        long delay = Math.max(0, expiry - nanoTime.getAsLong()) + TimeUnit.MILLISECONDS.toNanos(1);
        sweep = sweeper.schedule(this::sweep, delay, TimeUnit.NANOSECONDS);
    }

    /** How many connections wait for the next request (for tests). */
    int idleConnections() {
        synchronized (idle) {
            return idle.size();
        }
    }

    private Connection take() throws IOException {
        long now = nanoTime.getAsLong();
        List<Connection> expired = new ArrayList<>();
        Connection reused = null;
        synchronized (idle) {
            while (reused == null && !idle.isEmpty()) {
                Connection candidate = idle.pollFirst();
                if (candidate.reusable(now)) {
                    reused = candidate;
                } else {
                    expired.add(candidate);
                }
            }
        }
        expired.forEach(Connection::close);
        return reused != null ? reused : Connection.open(address, settings, nanoTime);
    }

    private void release(Connection connection) {
        connection.requests++;
        connection.lastUsed = nanoTime.getAsLong();
        if (!connection.reusable(connection.lastUsed)) {
            connection.close();
            return;
        }
        synchronized (idle) {
            if (!closed) {
                idle.addFirst(connection);
                scheduleSweep(connection.expiry());
                return;
            }
        }
        connection.close();
    }

    private static byte[] encode(Map<String, String> attributes) {
        StringBuilder text = new StringBuilder();
        attributes.forEach((name, value) -> text.append(name).append('=').append(oneLine(value)).append('\n'));
        text.append('\n');
        return text.toString().getBytes(StandardCharsets.UTF_8);
    }

    /** A line break in a value would end the attribute, or the request. */
    private static String oneLine(String value) {
        return value == null ? "" : value.replace('\r', ' ').replace('\n', ' ');
    }

    /** The reason as Postfix's warnings give it: the system's message ("Connection refused"). */
    private static String reason(IOException e) {
        return e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
    }

    /** One connection to the server; used by one request at a time. */
    private static final class Connection {
        private final SocketChannel channel;
        private final Selector selector;
        private final PolicyServiceSettings settings;
        private final long created;
        private long lastUsed;
        private int requests;

        private Connection(SocketChannel channel, Selector selector, PolicyServiceSettings settings, long created) {
            this.channel = channel;
            this.selector = selector;
            this.settings = settings;
            this.created = created;
            this.lastUsed = created;
        }

        static Connection open(PolicyServiceAddress address, PolicyServiceSettings settings, LongSupplier nanoTime)
                throws IOException {
            SocketChannel channel = address.path() != null ? SocketChannel.open(StandardProtocolFamily.UNIX)
                : SocketChannel.open();
            Selector selector = null;
            try {
                selector = Selector.open();
                channel.configureBlocking(false);
                Connection connection = new Connection(channel, selector, settings, nanoTime.getAsLong());
                if (!channel.connect(address.socketAddress())) {
                    connection.await(SelectionKey.OP_CONNECT, deadline(settings), "connect");
                    channel.finishConnect();
                }
                return connection;
            } catch (IOException | RuntimeException e) {
                channel.close();
                if (selector != null) {
                    selector.close();
                }
                if (e instanceof java.nio.channels.UnresolvedAddressException) {
                    throw new IOException("cannot resolve " + address.host(), e);
                }
                throw e;
            }
        }

        private static long deadline(PolicyServiceSettings settings) {
            return System.nanoTime() + settings.timeout().toNanos();
        }

        /** When this connection, idle from now on, stops being reusable (a {@code nanoTime}). */
        long expiry() {
            return Math.min(lastUsed + settings.maxIdle().toNanos(), created + settings.maxTtl().toNanos());
        }

        boolean reusable(long now) {
            return now - lastUsed < settings.maxIdle().toNanos() && now - created < settings.maxTtl().toNanos()
                && (settings.requestLimit() == 0 || requests < settings.requestLimit()) && channel.isOpen();
        }

        /** Writes the request and reads the reply's action, within the timeout. */
        String exchange(byte[] request) throws IOException {
            long deadline = deadline(settings);
            ByteBuffer out = ByteBuffer.wrap(request);
            while (out.hasRemaining()) {
                if (channel.write(out) == 0) {
                    await(SelectionKey.OP_WRITE, deadline, "write");
                }
            }
            return action(readReply(deadline));
        }

        private String readReply(long deadline) throws IOException {
            ByteArrayOutputStream reply = new ByteArrayOutputStream();
            ByteBuffer in = ByteBuffer.allocate(4096);
            while (!endsReply(reply)) {
                in.clear();
                int read = channel.read(in);
                if (read < 0) {
                    throw new IOException(reply.size() == 0 ? "the server closed the connection without a reply"
                        : "the server closed the connection within its reply");
                }
                if (read == 0) {
                    await(SelectionKey.OP_READ, deadline, "read");
                    continue;
                }
                reply.write(in.array(), 0, read);
                if (reply.size() > MAX_REPLY) {
                    throw new IOException("reply longer than " + MAX_REPLY + " bytes");
                }
            }
            try {
                return StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(reply.toByteArray())).toString();
            } catch (CharacterCodingException e) {
                throw new IOException("reply is not UTF-8", e);
            }
        }

        /** A reply ends with an empty line; a reply that came in before the request ended would be stale. */
        private static boolean endsReply(ByteArrayOutputStream reply) {
            byte[] bytes = reply.toByteArray();
            int n = bytes.length;
            return n == 1 && bytes[0] == '\n' || n >= 2 && bytes[n - 1] == '\n' && bytes[n - 2] == '\n'
                || n >= 4 && bytes[n - 1] == '\n' && bytes[n - 2] == '\r' && bytes[n - 3] == '\n';
        }

        /** The {@code action} attribute; other attributes are ignored, as Postfix does. */
        private static String action(String reply) throws IOException {
            for (String line : reply.split("\r?\n")) {
                if (line.startsWith("action=")) {
                    return line.substring("action=".length()).trim();
                }
            }
            throw new IOException("reply has no action attribute");
        }

        private void await(int operation, long deadline, String what) throws IOException {
            long remaining = deadline - System.nanoTime();
            SelectionKey key = channel.register(selector, operation);
            try {
                while (remaining > 0) {
                    if (selector.select(Math.max(1, remaining / 1_000_000)) > 0) {
                        selector.selectedKeys().clear();
                        return;
                    }
                    remaining = deadline - System.nanoTime();
                }
            } finally {
                key.interestOps(0);
            }
            throw new SocketTimeoutException(what + " timeout after " + settings.timeout().toSeconds() + "s");
        }

        void close() {
            try {
                channel.close();
            } catch (IOException e) {
                // Closing a connection we give up on: nothing left to do with an error.
            }
            try {
                selector.close();
            } catch (IOException e) {
                // As above.
            }
        }
    }
}
