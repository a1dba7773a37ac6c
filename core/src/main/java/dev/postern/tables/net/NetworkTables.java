package dev.postern.tables.net;

import java.nio.file.Path;

import dev.postern.config.ConfigException;
import dev.postern.tables.LookupTable;
import dev.postern.tables.ldap.LdapTable;

/**
 * Opens the table types whose data lives in a server: {@code ldap:/path/file.cf},
 * {@code socketmap:inet:host:port:name}, {@code socketmap:unix:/path:name}, {@code tcp:host:port}.
 * Each table keeps its connections open between lookups; they are {@link java.io.Closeable}, and
 * closing one closes its connections.
 */
public final class NetworkTables {
    private NetworkTables() {
    }

    /**
     * @param type          {@code ldap}, {@code socketmap} or {@code tcp}
     * @param spec          {@code type:name} as written, for messages
     * @param name          what follows {@code type:}
     * @param baseDirectory against which a relative .cf file name is resolved
     * @throws ConfigException naming the table (and for ldap the file, line and parameter) and what is wrong
     */
    public static LookupTable open(String type, String spec, String name, Path baseDirectory) throws ConfigException {
        return switch (type) {
            case "ldap" -> LdapTable.open(spec, baseDirectory.resolve(name));
            case "socketmap" -> SocketmapTable.open(spec, name, SocketmapTable.TIMEOUT);
            case "tcp" -> TcpTable.open(spec, name, TcpTable.TIMEOUT);
            default -> throw new IllegalArgumentException("not a network table type: " + type);
        };
    }
}
