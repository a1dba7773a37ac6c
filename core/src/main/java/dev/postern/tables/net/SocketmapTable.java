package dev.postern.tables.net;

import java.io.Closeable;
import java.io.IOException;
import java.time.Duration;
import java.util.Optional;

import dev.postern.config.ConfigException;
import dev.postern.tables.LookupException;
import dev.postern.tables.LookupTable;

/**
 * {@code socketmap:inet:host:port:name} and {@code socketmap:unix:/path:name}
 * (socketmap_table(5)): each lookup sends the netstring {@code name key} and reads one netstring
 * reply: {@code OK data} found, {@code NOTFOUND } not found; {@code TEMP}, {@code TIMEOUT},
 * {@code PERM}, anything else, a reply over 100000 bytes, a server that cannot be reached or does
 * not answer in time fail the lookup (never "not found"). The key is sent as given (Postfix does
 * not fold the case of keys of pattern tables), and as for Postfix's pattern tables only the full
 * key is looked up.
 */
final class SocketmapTable implements LookupTable, Closeable {
    /** socketmap_table(5): replies are at most 100000 bytes. */
    static final int REPLY_LIMIT = 100_000;
    static final Duration TIMEOUT = Duration.ofSeconds(100);
    static final Duration IDLE_LIMIT = Duration.ofSeconds(10);

    private final String name;
    private final String mapName;
    private final Endpoint endpoint;
    private final ConnectionPool connections;

    private SocketmapTable(String name, String mapName, Endpoint endpoint, Duration timeout) {
        this.name = name;
        this.mapName = mapName;
        this.endpoint = endpoint;
        this.connections = new ConnectionPool(endpoint, timeout, IDLE_LIMIT);
    }

    /** {@code spec} is {@code socketmap:...} for messages, {@code name} what follows {@code socketmap:}. */
    static SocketmapTable open(String spec, String name, Duration timeout) throws ConfigException {
        int last = name.lastIndexOf(':');
        if (!(name.startsWith("inet:") || name.startsWith("unix:")) || last <= "unix:".length()
                || last == name.length() - 1) {
            throw new ConfigException("table " + spec
                + ": expected socketmap:inet:host:port:name or socketmap:unix:/path:name");
        }
        Endpoint endpoint = Endpoint.parse(spec, name.substring(0, last));
        return new SocketmapTable(spec, name.substring(last + 1), endpoint, timeout);
    }

    @Override
    public Optional<String> lookup(String key) throws LookupException {
        String reply;
        try {
            reply = connections.exchange(connection -> {
                connection.write(Netstring.encode(mapName + " " + key));
                return Netstring.decode(connection::readByte, REPLY_LIMIT);
            });
        } catch (IOException e) {
            throw new LookupException(name + ": socketmap server " + endpoint + ": " + e.getMessage(), e);
        }
        return parseReply(name, reply);
    }

    /** The meaning of a reply: found, not found, or the failure it reports. */
    static Optional<String> parseReply(String table, String reply) throws LookupException {
        if (reply.startsWith("OK ")) {
            return Optional.of(reply.substring(3));
        }
        if (reply.equals("OK")) {
            return Optional.of("");
        }
        if (reply.startsWith("NOTFOUND")) {
            return Optional.empty();
        }
        for (String status : new String[] {"TEMP", "TIMEOUT", "PERM"}) {
            if (reply.equals(status) || reply.startsWith(status + " ")) {
                throw new LookupException(table + ": socketmap server "
                    + (status.equals("PERM") ? "permanent" : "temporary") + " error: " + reply);
            }
        }
        throw new LookupException(table + ": socketmap server protocol error: unexpected reply \""
            + (reply.length() > 100 ? reply.substring(0, 100) + "..." : reply) + "\"");
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
