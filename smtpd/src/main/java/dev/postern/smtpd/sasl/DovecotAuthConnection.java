package dev.postern.smtpd.sasl;

import java.io.EOFException;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.net.Inet6Address;
import java.net.InetSocketAddress;
import java.net.ProtocolFamily;
import java.net.StandardProtocolFamily;
import java.net.SocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;

/**
 * One connection to Dovecot's auth service (its client protocol, version 1): the handshake on
 * opening ({@code VERSION}, {@code CPID} from us; {@code VERSION}, {@code MECH}..., {@code SPID},
 * {@code CUID}, {@code COOKIE}, {@code DONE} from Dovecot), then lines of TAB-separated fields.
 * Every wait (connect, each reply) is bounded by the timeout.
 */
final class DovecotAuthConnection implements AutoCloseable {
    private static final int MAX_LINE = 65536;

    private final SocketChannel channel;
    private final Selector selector;
    private final Duration timeout;
    private final ByteBuffer input = ByteBuffer.allocate(MAX_LINE);
    private List<SaslMechanism> mechanisms = List.of();

    private DovecotAuthConnection(SocketChannel channel, Selector selector, Duration timeout) {
        this.channel = channel;
        this.selector = selector;
        this.timeout = timeout;
    }

    /** Connects and shakes hands; the mechanisms Dovecot offers are then known. */
    static DovecotAuthConnection open(SocketAddress address, Duration timeout) throws IOException {
        SocketAddress target = resolved(address);
        SocketChannel channel = SocketChannel.open(familyOf(target));
        Selector selector = null;
        try {
            selector = Selector.open();
            channel.configureBlocking(false);
            DovecotAuthConnection connection = new DovecotAuthConnection(channel, selector, timeout);
            connection.connect(target);
            connection.handshake();
            return connection;
        } catch (IOException | RuntimeException e) {
            channel.close();
            if (selector != null) {
                selector.close();
            }
            throw e;
        }
    }

    /** Host names of inet: paths are looked up on each connection, so a changed address is followed. */
    private static SocketAddress resolved(SocketAddress address) throws IOException {
        if (!(address instanceof InetSocketAddress inet) || !inet.isUnresolved()) {
            return address;
        }
        InetSocketAddress lookedUp = new InetSocketAddress(inet.getHostString(), inet.getPort());
        if (lookedUp.isUnresolved()) {
            throw new IOException("cannot resolve " + inet.getHostString());
        }
        return lookedUp;
    }

    private static ProtocolFamily familyOf(SocketAddress target) {
        if (target instanceof InetSocketAddress inet) {
            return inet.getAddress() instanceof Inet6Address ? StandardProtocolFamily.INET6 : StandardProtocolFamily.INET;
        }
        return StandardProtocolFamily.UNIX;
    }

    private void connect(SocketAddress target) throws IOException {
        if (channel.connect(target)) {
            return;
        }
        SelectionKey key = channel.register(selector, SelectionKey.OP_CONNECT);
        if (select() == 0) {
            throw new IOException("connection timed out after " + timeout.toSeconds() + "s");
        }
        channel.finishConnect();
        key.interestOps(0);
    }

    private void handshake() throws IOException {
        send("VERSION", "1", "0");
        send("CPID", Long.toString(ProcessHandle.current().pid()));
        List<SaslMechanism> offered = new ArrayList<>();
        boolean versionSeen = false;
        while (true) {
            List<String> fields = readLine();
            switch (fields.get(0)) {
                case "VERSION" -> {
                    if (fields.size() < 2 || !fields.get(1).equals("1")) {
                        throw new IOException("authentication server protocol version " + String.join(".",
                            fields.subList(1, fields.size())) + " is not 1.x");
                    }
                    versionSeen = true;
                }
                case "MECH" -> offered.add(new SaslMechanism(field(fields, 1),
                    new HashSet<>(fields.subList(2, fields.size()).stream().map(f -> f.toLowerCase(Locale.ROOT)).toList())));
                case "SPID" -> {
                    if (offered.isEmpty()) {
                        throw new IOException("connected to the wrong auth socket (auth-master instead of auth-client)");
                    }
                }
                case "DONE" -> {
                    if (!versionSeen) {
                        throw new IOException("the authentication server sent no VERSION");
                    }
                    mechanisms = List.copyOf(offered);
                    return;
                }
                default -> {
                    // CUID, COOKIE and anything newer: not needed by a client that only authenticates
                }
            }
        }
    }

    List<SaslMechanism> mechanisms() {
        return mechanisms;
    }

    /** Sends one line; the fields must not hold TAB or LF (ours are addresses, names and base64). */
    void send(String... fields) throws IOException {
        ByteBuffer line = ByteBuffer.wrap((String.join("\t", fields) + "\n").getBytes(StandardCharsets.UTF_8));
        long deadline = System.nanoTime() + timeout.toNanos();
        while (line.hasRemaining()) {
            if (channel.write(line) == 0 && System.nanoTime() > deadline) {
                throw new IOException("write timed out after " + timeout.toSeconds() + "s");
            }
        }
    }

    /** The next line's fields, unescaped; bounded by the timeout. */
    List<String> readLine() throws IOException {
        while (true) {
            int end = lineEnd();
            if (end >= 0) {
                byte[] bytes = new byte[end];
                input.flip();
                input.get(bytes);
                input.get();
                input.compact();
                return Arrays.stream(new String(bytes, StandardCharsets.UTF_8).split("\t", -1))
                    .map(DovecotAuthConnection::unescape).toList();
            }
            if (!input.hasRemaining()) {
                throw new IOException("a line from the authentication server is longer than " + MAX_LINE + " bytes");
            }
            SelectionKey key = channel.keyFor(selector) == null
                ? channel.register(selector, SelectionKey.OP_READ) : channel.keyFor(selector);
            key.interestOps(SelectionKey.OP_READ);
            if (select() == 0) {
                throw new IOException("no reply from the authentication server in " + timeout.toSeconds() + "s");
            }
            if (channel.read(input) < 0) {
                throw new EOFException("the authentication server closed the connection");
            }
        }
    }

    private int lineEnd() {
        for (int i = 0; i < input.position(); i++) {
            if (input.get(i) == '\n') {
                return i;
            }
        }
        return -1;
    }

    private int select() throws IOException {
        selector.selectedKeys().clear();
        int ready = selector.select(Math.max(1, timeout.toMillis()));
        if (Thread.currentThread().isInterrupted()) {
            throw new InterruptedIOException("interrupted while waiting for the authentication server");
        }
        return ready;
    }

    private static String field(List<String> fields, int index) throws IOException {
        if (fields.size() <= index) {
            throw new IOException("malformed line from the authentication server: " + String.join(" ", fields));
        }
        return fields.get(index);
    }

    /** Dovecot's escaping of values: \001 followed by 1, t, r or n stands for \001, TAB, CR, LF. */
    static String unescape(String value) {
        if (value.indexOf('\001') < 0) {
            return value;
        }
        StringBuilder out = new StringBuilder(value.length());
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c != '\001' || i + 1 == value.length()) {
                out.append(c);
                continue;
            }
            char next = value.charAt(++i);
            out.append(switch (next) {
                case 't' -> '\t';
                case 'r' -> '\r';
                case 'n' -> '\n';
                case '1' -> '\001';
                default -> next;
            });
        }
        return out.toString();
    }

    @Override
    public void close() {
        try {
            selector.close();
        } catch (IOException e) {
            // nothing to release beyond what close already freed
        }
        try {
            channel.close();
        } catch (IOException e) {
            // the connection is gone either way
        }
    }
}
