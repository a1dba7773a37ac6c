package dev.postern.testing.smtp;

import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.Channels;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;

import javax.net.ssl.SSLContext;

/**
 * The SMTP (or LMTP) server of Postern's tests: the next hop of a relay in the end-to-end tests and
 * the scripted peer of the courier unit tests.
 *
 * <p>Listens on a loopback port (chosen by the OS on the first {@link #start()} unless given) or on
 * a UNIX-domain socket ({@link #onUnixSocket}), one thread per connection, ESMTP with PIPELINING and
 * 8BITMIME. Each accepted transaction becomes a {@link SinkMessage}; a transaction whose final reply
 * is not 2xx is not recorded. Every connection also leaves a {@link SinkTranscript} of what came
 * over the wire, whatever the replies were.
 *
 * <p>What the server says can be scripted for fault tests, before or between connections: the
 * greeting (or none), the EHLO keywords, the reply to any command, to MAIL, to each RCPT and to
 * the end of DATA (per recipient for LMTP), STARTTLS with a given {@link SSLContext} (or a broken
 * one), the credentials AUTH PLAIN and LOGIN accept, a server that stalls in DATA or drops the
 * connection at the final dot. The sink can be stopped and started again on the same port;
 * recorded messages survive a restart until {@link #clear()}. All accessors are thread-safe.
 */
public final class SmtpSink implements AutoCloseable {

    public static final String DEFAULT_HOSTNAME = "sink.postern.test";
    private static final Duration SOCKET_TIMEOUT = Duration.ofMinutes(5);
    private static final Duration IDLE_TIMEOUT = Duration.ofSeconds(5);

    private final String bindAddress;
    private final String hostname;
    private final Path socketPath;
    private volatile int port;
    private volatile boolean lmtp;

    private final SinkScript script = new SinkScript();
    private final Object lock = new Object();
    private final List<SinkMessage> messages = new ArrayList<>();
    private final List<SinkTranscript> transcripts = new CopyOnWriteArrayList<>();
    private final AtomicLong sequence = new AtomicLong();
    private final AtomicInteger refusedTransactions = new AtomicInteger();

    private Closeable listener;
    private ExecutorService executor;
    private Thread acceptThread;
    private final Set<Closeable> openConnections = ConcurrentHashMap.newKeySet();

    /** A sink on {@code 127.0.0.1}, port chosen by the OS at the first start. */
    public SmtpSink() {
        this(0);
    }

    /** A sink on {@code 127.0.0.1:port} (0: chosen by the OS at the first start). Not started. */
    public SmtpSink(int port) {
        this("127.0.0.1", port, DEFAULT_HOSTNAME);
    }

    public SmtpSink(String bindAddress, int port, String hostname) {
        this(bindAddress, port, hostname, null);
    }

    private SmtpSink(String bindAddress, int port, String hostname, Path socketPath) {
        this.bindAddress = bindAddress;
        this.port = port;
        this.hostname = hostname;
        this.socketPath = socketPath;
    }

    /** A sink on a UNIX-domain socket at {@code path} (created at start, removed at stop). Not started. */
    public static SmtpSink onUnixSocket(Path path) {
        return new SmtpSink(null, 0, DEFAULT_HOSTNAME, path);
    }

    /** Speaks LMTP (RFC 2033) instead of SMTP: LHLO only, and one reply per recipient after the dot. */
    public SmtpSink speakLmtp() {
        lmtp = true;
        return this;
    }

    // ---- lifecycle --------------------------------------------------------------------------

    /** Binds and starts accepting. A restarted sink binds the same port as before. */
    public SmtpSink start() {
        synchronized (this) {
            if (listener != null) {
                throw new IllegalStateException("sink already running on " + where());
            }
            executor = Executors.newCachedThreadPool(runnable -> {
                Thread thread = new Thread(runnable, "smtp-sink-" + where() + "-session");
                thread.setDaemon(true);
                return thread;
            });
            ExecutorService sessions = executor;
            Runnable loop;
            if (socketPath != null) {
                ServerSocketChannel channel = bindUnix();
                listener = channel;
                loop = () -> acceptUnix(channel, sessions);
            } else {
                ServerSocket socket = bindTcp();
                listener = socket;
                port = socket.getLocalPort();
                loop = () -> acceptTcp(socket, sessions);
            }
            acceptThread = new Thread(loop, "smtp-sink-" + where() + "-accept");
            acceptThread.setDaemon(true);
            acceptThread.start();
        }
        return this;
    }

    private ServerSocket bindTcp() {
        ServerSocket socket = null;
        try {
            socket = new ServerSocket();
            socket.setReuseAddress(true);
            socket.bind(new InetSocketAddress(InetAddress.getByName(bindAddress), port), 100);
            return socket;
        } catch (IOException e) {
            closeQuietly(socket);
            throw new UncheckedIOException("sink cannot bind " + bindAddress + ":" + port + ": " + e, e);
        }
    }

    private ServerSocketChannel bindUnix() {
        ServerSocketChannel channel = null;
        try {
            channel = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
            channel.bind(UnixDomainSocketAddress.of(socketPath));
            return channel;
        } catch (IOException e) {
            closeQuietly(channel);
            throw new UncheckedIOException("sink cannot bind " + socketPath + ": " + e, e);
        }
    }

    /** Stops listening and drops every open connection. Idempotent. */
    public void stop() {
        Closeable listening;
        ExecutorService sessions;
        Thread accept;
        synchronized (this) {
            listening = listener;
            sessions = executor;
            accept = acceptThread;
            listener = null;
            executor = null;
            acceptThread = null;
        }
        if (listening == null) {
            return;
        }
        closeQuietly(listening);
        for (Closeable open : openConnections) {
            closeQuietly(open);
        }
        sessions.shutdownNow();
        try {
            accept.join(10_000);
            sessions.awaitTermination(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (socketPath != null) {
            try {
                Files.deleteIfExists(socketPath);
            } catch (IOException e) {
                throw new UncheckedIOException("sink cannot remove its socket " + socketPath + ": " + e, e);
            }
        }
    }

    @Override
    public void close() {
        stop();
    }

    public synchronized boolean isRunning() {
        return listener != null;
    }

    /** The port (after the first start, or as given). */
    public int port() {
        requireTcp();
        return port;
    }

    /** The {@code relayhost} value (or next hop) that points at this sink: {@code [127.0.0.1]:port}. */
    public String relayhost() {
        requireTcp();
        return "[" + bindAddress + "]:" + port;
    }

    /** The UNIX-domain socket of a sink made by {@link #onUnixSocket}. */
    public Path socketPath() {
        if (socketPath == null) {
            throw new IllegalStateException("sink on " + where() + " has no UNIX-domain socket");
        }
        return socketPath;
    }

    String hostname() {
        return hostname;
    }

    boolean lmtp() {
        return lmtp;
    }

    private void requireTcp() {
        if (socketPath != null) {
            throw new IllegalStateException("sink on " + socketPath + " has no TCP port");
        }
    }

    private String where() {
        return socketPath != null ? socketPath.toString() : String.valueOf(port);
    }

    // ---- script -----------------------------------------------------------------------------

    /** The greeting instead of {@code 220 HOSTNAME ESMTP Postern test sink}; {@code null} restores it. */
    public SmtpSink setGreeting(String greeting) {
        script.greeting = greeting;
        return this;
    }

    /** Sends no greeting at all (the client times out) or, with {@code false}, greets again. */
    public SmtpSink setSilent(boolean silent) {
        script.silent = silent;
        return this;
    }

    /**
     * The keywords of the EHLO (or LHLO) reply after the host name, such as {@code STARTTLS} or
     * {@code AUTH PLAIN LOGIN}; the default is PIPELINING, 8BITMIME, SIZE 0, ENHANCEDSTATUSCODES, SMTPUTF8.
     */
    public SmtpSink setEhloKeywords(String... keywords) {
        script.ehloKeywords = List.of(keywords);
        return this;
    }

    /**
     * Answers every command with this verb (EHLO, HELO, DATA, RSET, ...) with {@code reply} and does
     * nothing else; {@code null} restores the default. MAIL and RCPT have {@link #setMailReply} and
     * {@link #setRcptReply}, which keep the transaction's state.
     */
    public SmtpSink setReply(String verb, String reply) {
        String key = verb.toUpperCase(Locale.ROOT);
        if (key.equals("MAIL") || key.equals("RCPT")) {
            throw new IllegalArgumentException("setReply(\"" + verb + "\"): use setMailReply or setRcptReply");
        }
        if (reply == null) {
            script.verbReplies.remove(key);
        } else {
            script.verbReplies.put(key, reply);
        }
        return this;
    }

    /** Reply to every MAIL FROM; {@code null} restores {@code 250 2.1.0 Ok}. Multi-line: lines joined by \n. */
    public SmtpSink setMailReply(String reply) {
        script.mailReply = sender -> reply == null ? SinkScript.DEFAULT_MAIL_REPLY : reply;
        return this;
    }

    /** Reply to every RCPT TO; {@code null} restores {@code 250 2.1.5 Ok}. */
    public SmtpSink setRcptReply(String reply) {
        script.rcptReply = recipient -> reply == null ? SinkScript.DEFAULT_RCPT_REPLY : reply;
        return this;
    }

    /** Reply per recipient address (the text between the angle brackets). */
    public SmtpSink setRcptReply(Function<String, String> reply) {
        script.rcptReply = reply;
        return this;
    }

    /**
     * Reply after the end of DATA (with LMTP, to every recipient); {@code null} restores
     * {@code 250 2.0.0 Ok: queued as SINKn}.
     */
    public SmtpSink setDataReply(String reply) {
        script.dataReply = reply;
        return this;
    }

    /** LMTP: the reply after the end of DATA for each accepted recipient (the address between the angle brackets). */
    public SmtpSink setRecipientDataReply(Function<String, String> reply) {
        if (!lmtp) {
            throw new IllegalStateException("sink on " + where() + ": one reply per recipient after DATA is LMTP's;"
                    + " call speakLmtp() first or use setDataReply");
        }
        script.recipientDataReply = reply;
        return this;
    }

    /** Stops reading after the 354 reply to DATA, as a server that hangs in the middle of a message. */
    public SmtpSink setStallInData(boolean stall) {
        script.stallInData = stall;
        return this;
    }

    /** Closes the connection instead of answering the final dot (the message is in the transcript only). */
    public SmtpSink setDropAtEndOfData(boolean drop) {
        script.dropAtEndOfData = drop;
        return this;
    }

    /** Answers STARTTLS with a handshake in this context; offer it with {@link #setEhloKeywords}. */
    public SmtpSink setStartTls(SSLContext context) {
        script.tls = context;
        return this;
    }

    /**
     * Asks the client for its certificate in the STARTTLS handshake (the context's trust managers
     * judge it); {@link SinkTranscript#tlsClientSubject()} then shows the one sent.
     */
    public SmtpSink setTlsWantsClientCertificate(boolean want) {
        script.tlsWantsClientCertificate = want;
        return this;
    }

    /** Answers 220 to STARTTLS and then closes the connection: a broken TLS stack. */
    public SmtpSink setBrokenStartTls(boolean broken) {
        script.brokenTls = broken;
        return this;
    }

    /** The {@code user:password} AUTH PLAIN and LOGIN accept (every other is refused with 535); offer AUTH with {@link #setEhloKeywords}. */
    public SmtpSink setAuthAccepts(String credentials) {
        script.authAccepts = credentials;
        return this;
    }

    /** Restores every default reply and behaviour (the greeting, EHLO keywords, TLS, AUTH, ...). */
    public SmtpSink resetReplies() {
        script.reset();
        return this;
    }

    // ---- recorded data ----------------------------------------------------------------------

    /** A snapshot of the accepted messages, in order of acceptance. */
    public List<SinkMessage> messages() {
        synchronized (lock) {
            return List.copyOf(messages);
        }
    }

    public int messageCount() {
        synchronized (lock) {
            return messages.size();
        }
    }

    /** Transactions that reached the end of DATA but were given a non-2xx final reply. */
    public int refusedTransactionCount() {
        return refusedTransactions.get();
    }

    public void clear() {
        synchronized (lock) {
            messages.clear();
        }
    }

    /**
     * Waits until at least {@code count} messages were accepted and returns the snapshot; throws an
     * {@link AssertionError} naming how many arrived if the timeout passes first.
     */
    public List<SinkMessage> awaitMessages(int count, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        synchronized (lock) {
            while (messages.size() < count) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    throw new AssertionError("sink on " + where() + ": expected at least " + count
                            + " message(s) within " + timeout + " but got " + messages.size() + ": " + messages);
                }
                try {
                    TimeUnit.NANOSECONDS.timedWait(lock, left);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new AssertionError("interrupted while waiting for messages", e);
                }
            }
            return List.copyOf(messages);
        }
    }

    // ---- transcripts ------------------------------------------------------------------------

    /** Connections accepted since this sink was created. */
    public int connectionCount() {
        return transcripts.size();
    }

    /** What each connection since this sink was created received, in order of connection. */
    public List<SinkTranscript> connections() {
        return List.copyOf(transcripts);
    }

    /** What connection {@code i} (from 0) received. */
    public SinkTranscript connection(int i) {
        return transcripts.get(i);
    }

    /** {@link #awaitIdle(Duration)} for 5 seconds. */
    public void awaitIdle() {
        awaitIdle(IDLE_TIMEOUT);
    }

    /**
     * Waits until every connection so far has ended, so its transcript is complete; throws an
     * {@link AssertionError} naming the connection still open when the timeout passes.
     */
    public void awaitIdle(Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        List<SinkTranscript> all = connections();
        for (int i = 0; i < all.size(); i++) {
            try {
                if (!all.get(i).awaitEnd(Duration.ofNanos(Math.max(0, deadline - System.nanoTime())))) {
                    throw new AssertionError("sink on " + where() + ": connection " + i + " still open after "
                            + timeout + ": " + all.get(i));
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError("interrupted while waiting for the connections to end", e);
            }
        }
    }

    // ---- accepting --------------------------------------------------------------------------

    private void acceptTcp(ServerSocket listening, ExecutorService sessions) {
        while (!listening.isClosed()) {
            Socket socket;
            try {
                socket = listening.accept();
            } catch (IOException e) {
                return;
            }
            String client = ((InetSocketAddress) socket.getRemoteSocketAddress()).getAddress().getHostAddress();
            if (!serve(sessions, socket, transcript -> {
                socket.setSoTimeout((int) SOCKET_TIMEOUT.toMillis());
                return new SinkSession(this, script, transcript, socket, socket.getInputStream(),
                        socket.getOutputStream(), client);
            })) {
                return;
            }
        }
    }

    private void acceptUnix(ServerSocketChannel listening, ExecutorService sessions) {
        while (listening.isOpen()) {
            SocketChannel channel;
            try {
                channel = listening.accept();
            } catch (IOException e) {
                return;
            }
            InputStream in = Channels.newInputStream(channel);
            OutputStream out = Channels.newOutputStream(channel);
            if (!serve(sessions, channel, transcript -> new SinkSession(this, script, transcript, null, in, out,
                    socketPath.toString()))) {
                return;
            }
        }
    }

    private interface SessionFactory {
        SinkSession create(SinkTranscript transcript) throws IOException;
    }

    /** Runs a session on the connection; false when the sink is stopping. */
    private boolean serve(ExecutorService sessions, Closeable connection, SessionFactory factory) {
        SinkTranscript transcript = new SinkTranscript();
        transcripts.add(transcript);
        openConnections.add(connection);
        try {
            sessions.execute(() -> {
                try {
                    factory.create(transcript).run();
                } catch (IOException e) {
                    // closed by the peer or by stop(), or a broken client: none may take the sink down
                } finally {
                    openConnections.remove(connection);
                    closeQuietly(connection);
                    transcript.end();
                }
            });
            return true;
        } catch (RejectedExecutionException e) {
            openConnections.remove(connection);
            closeQuietly(connection);
            transcript.end();
            return false;
        }
    }

    long nextSequence() {
        return sequence.incrementAndGet();
    }

    void record(SinkMessage message) {
        synchronized (lock) {
            messages.add(message);
            lock.notifyAll();
        }
    }

    void refused() {
        refusedTransactions.incrementAndGet();
    }

    private static void closeQuietly(Closeable closeable) {
        if (closeable == null) {
            return;
        }
        try {
            closeable.close();
        } catch (IOException ignored) {
            // already closed
        }
    }
}
