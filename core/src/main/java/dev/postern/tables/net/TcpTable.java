package dev.postern.tables.net;

import java.io.ByteArrayOutputStream;
import java.io.Closeable;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Optional;

import dev.postern.config.ConfigException;
import dev.postern.tables.LookupException;
import dev.postern.tables.LookupTable;

/**
 * {@code tcp:host:port} (tcp_table(5)): each lookup sends {@code get KEY\n}, the key encoded
 * with {@link TcpTableEncoding}, and reads one line: {@code 200 data} found (data decoded),
 * {@code 500 text} not found; {@code 400 text}, anything else, a reply over 4096 bytes, a server
 * that cannot be reached or does not answer in time fail the lookup (never "not found"). The
 * connection stays open for the next lookup except after a 400, when Postfix hangs up too. Only
 * the full key is looked up, as for Postfix's pattern tables.
 */
final class TcpTable implements LookupTable, Closeable {
    /** tcp_table(5): replies are at most 4096 bytes including the newline. */
    static final int REPLY_LIMIT = 4096;
    static final Duration TIMEOUT = Duration.ofSeconds(100);
    static final Duration IDLE_LIMIT = Duration.ofSeconds(100);

    private final String name;
    private final Endpoint endpoint;
    private final ConnectionPool connections;

    private TcpTable(String name, Endpoint endpoint, Duration timeout) {
        this.name = name;
        this.endpoint = endpoint;
        this.connections = new ConnectionPool(endpoint, timeout, IDLE_LIMIT);
    }

    static TcpTable open(String spec, String name, Duration timeout) throws ConfigException {
        return new TcpTable(spec, Endpoint.parse(spec, name), timeout);
    }

    /** A 400 reply: the lookup fails and the connection is dropped. */
    private static final class TemporaryReply extends ConnectionPool.Answered {
        TemporaryReply(String reply) {
            super(reply);
        }
    }

    @Override
    public Optional<String> lookup(String key) throws LookupException {
        String reply;
        try {
            reply = connections.exchange(connection -> {
                connection.write(("get " + TcpTableEncoding.encode(key) + "\n").getBytes(StandardCharsets.UTF_8));
                String line = readLine(connection);
                if (line.startsWith("400")) {
                    throw new TemporaryReply(line);
                }
                return line;
            });
        } catch (TemporaryReply e) {
            throw new LookupException(name + ": tcp server " + endpoint + " reported a temporary error: "
                + e.getMessage());
        } catch (IOException e) {
            throw new LookupException(name + ": tcp server " + endpoint + ": " + e.getMessage(), e);
        }
        if (reply.startsWith("200") && (reply.length() == 3 || reply.charAt(3) == ' ')) {
            return Optional.of(TcpTableEncoding.decode(reply.length() == 3 ? "" : reply.substring(4)));
        }
        if (reply.startsWith("500") && (reply.length() == 3 || reply.charAt(3) == ' ')) {
            return Optional.empty();
        }
        throw new LookupException(name + ": tcp server " + endpoint + " protocol error: unexpected reply \""
            + (reply.length() > 100 ? reply.substring(0, 100) + "..." : reply) + "\"");
    }

    private static String readLine(TimedConnection connection) throws IOException {
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        int c;
        while ((c = connection.readByte()) != '\n') {
            if (c < 0) {
                throw new java.io.EOFException("connection closed by server");
            }
            if (line.size() >= REPLY_LIMIT - 1) {
                throw new IOException("reply longer than " + REPLY_LIMIT + " bytes");
            }
            line.write(c);
        }
        String text = line.toString(StandardCharsets.UTF_8);
        return text.endsWith("\r") ? text.substring(0, text.length() - 1) : text;
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public boolean isPattern() {
        return true;
    }

    @Override
    public void close() {
        connections.close();
    }
}
