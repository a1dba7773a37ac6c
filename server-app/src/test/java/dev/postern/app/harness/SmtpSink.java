package dev.postern.app.harness;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;

/**
 * An SMTP server for tests that accepts and records mail: the next hop of a relay.
 *
 * <p>Listens on a loopback port (chosen by the OS on the first {@link #start()} unless given), one
 * thread per connection, ESMTP with PIPELINING and 8BITMIME. Each accepted transaction becomes a
 * {@link SinkMessage}. Replies to MAIL, RCPT and end-of-DATA can be replaced for fault tests (e.g.
 * {@code 451 4.3.0 try later}); a transaction whose final reply is not 2xx is not recorded. The sink
 * can be stopped and started again on the same port; recorded messages survive a restart until
 * {@link #clear()}. All accessors are thread-safe.
 */
public final class SmtpSink implements AutoCloseable {

    public static final String DEFAULT_HOSTNAME = "sink.postern.test";
    private static final int MAX_LINE = 1024 * 1024;
    private static final Duration SOCKET_TIMEOUT = Duration.ofMinutes(5);

    private final String bindAddress;
    private final String hostname;
    private volatile int port;

    private final Object lock = new Object();
    private final List<SinkMessage> messages = new ArrayList<>();
    private final AtomicLong sequence = new AtomicLong();
    private final AtomicInteger connections = new AtomicInteger();
    private final AtomicInteger refusedTransactions = new AtomicInteger();

    private volatile Function<String, String> mailReply = sender -> "250 2.1.0 Ok";
    private volatile Function<String, String> rcptReply = recipient -> "250 2.1.5 Ok";
    private volatile Function<List<String>, String> dataReply = null;

    private ServerSocket serverSocket;
    private ExecutorService executor;
    private Thread acceptThread;
    private final Set<Socket> openSockets = ConcurrentHashMap.newKeySet();

    /** A sink on {@code 127.0.0.1}, port chosen by the OS at the first start. */
    public SmtpSink() {
        this(0);
    }

    /** A sink on {@code 127.0.0.1:port} (0: chosen by the OS at the first start). Not started. */
    public SmtpSink(int port) {
        this("127.0.0.1", port, DEFAULT_HOSTNAME);
    }

    public SmtpSink(String bindAddress, int port, String hostname) {
        this.bindAddress = bindAddress;
        this.port = port;
        this.hostname = hostname;
    }

    // ---- lifecycle --------------------------------------------------------------------------

    /** Binds and starts accepting. A restarted sink binds the same port as before. */
    public SmtpSink start() {
        synchronized (this) {
            if (serverSocket != null) {
                throw new IllegalStateException("sink already running on port " + port);
            }
            ServerSocket socket = null;
            try {
                socket = new ServerSocket();
                socket.setReuseAddress(true);
                socket.bind(new InetSocketAddress(InetAddress.getByName(bindAddress), port), 100);
            } catch (IOException e) {
                closeQuietly(socket);
                throw new UncheckedIOException("sink cannot bind " + bindAddress + ":" + port + ": " + e, e);
            }
            serverSocket = socket;
            port = socket.getLocalPort();
            executor = Executors.newCachedThreadPool(runnable -> {
                Thread thread = new Thread(runnable, "smtp-sink-" + port + "-session");
                thread.setDaemon(true);
                return thread;
            });
            ServerSocket listening = socket;
            ExecutorService sessions = executor;
            acceptThread = new Thread(() -> acceptLoop(listening, sessions), "smtp-sink-" + port + "-accept");
            acceptThread.setDaemon(true);
            acceptThread.start();
        }
        return this;
    }

    /** Stops listening and drops every open connection. Idempotent. */
    public void stop() {
        ServerSocket socket;
        ExecutorService sessions;
        Thread accept;
        synchronized (this) {
            socket = serverSocket;
            sessions = executor;
            accept = acceptThread;
            serverSocket = null;
            executor = null;
            acceptThread = null;
        }
        if (socket == null) {
            return;
        }
        closeQuietly(socket);
        for (Socket open : openSockets) {
            closeQuietly(open);
        }
        sessions.shutdownNow();
        try {
            accept.join(10_000);
            sessions.awaitTermination(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void close() {
        stop();
    }

    public synchronized boolean isRunning() {
        return serverSocket != null;
    }

    /** The port (after the first start, or as given). */
    public int port() {
        return port;
    }

    /** The {@code relayhost} value that points at this sink: {@code [127.0.0.1]:port}. */
    public String relayhost() {
        return "[" + bindAddress + "]:" + port;
    }

    // ---- fault injection --------------------------------------------------------------------

    /** Reply to every MAIL FROM; {@code null} restores {@code 250 2.1.0 Ok}. Multi-line: lines joined by \n. */
    public SmtpSink setMailReply(String reply) {
        mailReply = reply == null ? sender -> "250 2.1.0 Ok" : sender -> reply;
        return this;
    }

    /** Reply to every RCPT TO; {@code null} restores {@code 250 2.1.5 Ok}. */
    public SmtpSink setRcptReply(String reply) {
        rcptReply = reply == null ? recipient -> "250 2.1.5 Ok" : recipient -> reply;
        return this;
    }

    /** Reply per recipient address (the text between the angle brackets). */
    public SmtpSink setRcptReply(Function<String, String> reply) {
        rcptReply = reply;
        return this;
    }

    /** Reply after the end of DATA; {@code null} restores {@code 250 2.0.0 Ok: queued as N}. */
    public SmtpSink setDataReply(String reply) {
        dataReply = reply == null ? null : recipients -> reply;
        return this;
    }

    /** Restores every default reply. */
    public SmtpSink resetReplies() {
        setMailReply(null);
        setRcptReply((String) null);
        setDataReply(null);
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

    /** Connections accepted since this sink was created. */
    public int connectionCount() {
        return connections.get();
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
                    throw new AssertionError("sink on port " + port + ": expected at least " + count
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

    // ---- protocol ---------------------------------------------------------------------------

    private void acceptLoop(ServerSocket listening, ExecutorService sessions) {
        while (!listening.isClosed()) {
            Socket socket;
            try {
                socket = listening.accept();
            } catch (IOException e) {
                return;
            }
            connections.incrementAndGet();
            openSockets.add(socket);
            try {
                sessions.execute(() -> {
                    try {
                        new Session(socket).run();
                    } finally {
                        openSockets.remove(socket);
                        closeQuietly(socket);
                    }
                });
            } catch (java.util.concurrent.RejectedExecutionException e) {
                openSockets.remove(socket);
                closeQuietly(socket);
                return;
            }
        }
    }

    private final class Session {
        private final Socket socket;
        private InputStream in;
        private OutputStream out;
        private String helo;
        private String sender;
        private String mailParameters;
        private final List<String> recipients = new ArrayList<>();

        Session(Socket socket) {
            this.socket = socket;
        }

        void run() {
            try {
                socket.setSoTimeout((int) SOCKET_TIMEOUT.toMillis());
                in = new BufferedInputStream(socket.getInputStream());
                out = new BufferedOutputStream(socket.getOutputStream());
                reply("220 " + hostname + " ESMTP Postern test sink");
                while (true) {
                    byte[] raw = readLine();
                    if (raw == null) {
                        return;
                    }
                    if (!handle(new String(raw, StandardCharsets.UTF_8))) {
                        return;
                    }
                }
            } catch (SocketException e) {
                // closed by the peer or by stop()
            } catch (IOException e) {
                // a broken client must not take the sink down
            }
        }

        /** Returns false when the session ends. */
        private boolean handle(String line) throws IOException {
            String upper = line.toUpperCase(Locale.ROOT);
            String verb = upper.split(" ", 2)[0];
            switch (verb) {
                case "EHLO":
                    helo = argument(line);
                    resetTransaction();
                    reply("250-" + hostname + "\n250-PIPELINING\n250-8BITMIME\n250-SIZE 0\n250-ENHANCEDSTATUSCODES\n250 SMTPUTF8");
                    return true;
                case "HELO":
                    helo = argument(line);
                    resetTransaction();
                    reply("250 " + hostname);
                    return true;
                case "MAIL":
                    if (!upper.startsWith("MAIL FROM:")) {
                        reply("501 5.5.4 Syntax: MAIL FROM:<address>");
                        return true;
                    }
                    if (sender != null) {
                        reply("503 5.5.1 Error: nested MAIL command");
                        return true;
                    }
                    String[] mail = parsePath(line.substring("MAIL FROM:".length()));
                    if (mail == null) {
                        reply("501 5.1.7 Bad sender address syntax");
                        return true;
                    }
                    String mailAnswer = mailReply.apply(mail[0]);
                    if (mailAnswer.startsWith("2")) {
                        sender = mail[0];
                        mailParameters = mail[1];
                    }
                    reply(mailAnswer);
                    return true;
                case "RCPT":
                    if (!upper.startsWith("RCPT TO:")) {
                        reply("501 5.5.4 Syntax: RCPT TO:<address>");
                        return true;
                    }
                    if (sender == null) {
                        reply("503 5.5.1 Error: need MAIL command");
                        return true;
                    }
                    String[] rcpt = parsePath(line.substring("RCPT TO:".length()));
                    if (rcpt == null) {
                        reply("501 5.1.3 Bad recipient address syntax");
                        return true;
                    }
                    String rcptAnswer = rcptReply.apply(rcpt[0]);
                    if (rcptAnswer.startsWith("2")) {
                        recipients.add(rcpt[0]);
                    }
                    reply(rcptAnswer);
                    return true;
                case "DATA":
                    if (sender == null) {
                        reply("503 5.5.1 Error: need RCPT command");
                        return true;
                    }
                    if (recipients.isEmpty()) {
                        reply("554 5.5.1 Error: no valid recipients");
                        return true;
                    }
                    reply("354 End data with <CR><LF>.<CR><LF>");
                    byte[] content = readContent();
                    if (content == null) {
                        return false;
                    }
                    finishTransaction(content);
                    return true;
                case "RSET":
                    resetTransaction();
                    reply("250 2.0.0 Ok");
                    return true;
                case "NOOP":
                    reply("250 2.0.0 Ok");
                    return true;
                case "VRFY":
                    reply("252 2.0.0 Send some mail, I'll try my best");
                    return true;
                case "QUIT":
                    reply("221 2.0.0 Bye");
                    return false;
                default:
                    reply("502 5.5.2 Error: command not recognized");
                    return true;
            }
        }

        private void finishTransaction(byte[] content) throws IOException {
            Function<List<String>, String> configured = dataReply;
            long number = sequence.incrementAndGet();
            String answer = configured == null
                    ? "250 2.0.0 Ok: queued as SINK" + number
                    : configured.apply(List.copyOf(recipients));
            if (answer.startsWith("2")) {
                SinkMessage message = new SinkMessage(number,
                        ((InetSocketAddress) socket.getRemoteSocketAddress()).getAddress().getHostAddress(),
                        helo, sender, mailParameters, recipients, content, Instant.now());
                synchronized (lock) {
                    messages.add(message);
                    lock.notifyAll();
                }
            } else {
                refusedTransactions.incrementAndGet();
            }
            resetTransaction();
            // Recorded before the reply goes out, so a client that saw 250 always finds its message.
            reply(answer);
        }

        private void resetTransaction() {
            sender = null;
            mailParameters = null;
            recipients.clear();
        }

        /** Reads content lines up to the lone dot; returns them unstuffed with CRLF endings, or null at EOF. */
        private byte[] readContent() throws IOException {
            ByteArrayOutputStream content = new ByteArrayOutputStream();
            while (true) {
                byte[] line = readLine();
                if (line == null) {
                    return null;
                }
                if (line.length == 1 && line[0] == '.') {
                    return content.toByteArray();
                }
                int start = line.length > 0 && line[0] == '.' ? 1 : 0;
                content.write(line, start, line.length - start);
                content.write('\r');
                content.write('\n');
            }
        }

        /** One line without its CRLF (or bare LF); null at end of stream. */
        private byte[] readLine() throws IOException {
            ByteArrayOutputStream line = new ByteArrayOutputStream(128);
            while (true) {
                int b = in.read();
                if (b == -1) {
                    return null;
                }
                if (b == '\n') {
                    byte[] bytes = line.toByteArray();
                    if (bytes.length > 0 && bytes[bytes.length - 1] == '\r') {
                        return java.util.Arrays.copyOf(bytes, bytes.length - 1);
                    }
                    return bytes;
                }
                line.write(b);
                if (line.size() > MAX_LINE) {
                    throw new IOException("line too long");
                }
            }
        }

        private void reply(String reply) throws IOException {
            StringBuilder text = new StringBuilder();
            for (String line : reply.split("\r?\n")) {
                text.append(line).append("\r\n");
            }
            out.write(text.toString().getBytes(StandardCharsets.UTF_8));
            out.flush();
        }
    }

    private static String argument(String line) {
        String[] parts = line.split(" ", 2);
        return parts.length > 1 ? parts[1].strip() : "";
    }

    /** Parses {@code <addr> params} (leading white space allowed); returns {address, params} or null. */
    private static String[] parsePath(String rest) {
        String s = rest.stripLeading();
        if (!s.startsWith("<")) {
            return null;
        }
        int close = s.indexOf('>');
        if (close < 0) {
            return null;
        }
        return new String[] {s.substring(1, close), s.substring(close + 1).strip()};
    }

    private static void closeQuietly(java.io.Closeable closeable) {
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
