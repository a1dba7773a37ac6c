package dev.postern.tables.sql;

import dev.postern.config.ConfigException;

/**
 * One entry of a SQL table's {@code hosts}: {@code host}, {@code host:port}, {@code inet:host[:port]},
 * {@code [v6]:port}, or {@code unix:/path} (a socket; for pgsql the socket's directory, as libpq takes it).
 */
record SqlHost(String host, int port, String socket) {

    boolean isSocket() {
        return socket != null;
    }

    /** {@code host:port} as JDBC URLs write it (IPv6 in brackets). */
    String hostPort() {
        return (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + port;
    }

    static SqlHost parse(String entry, int defaultPort, String where) throws ConfigException {
        if (entry.startsWith("unix:")) {
            String path = entry.substring("unix:".length());
            if (!path.startsWith("/")) {
                throw new ConfigException(where + ": hosts: " + entry + ": expected unix:/absolute/path");
            }
            return new SqlHost(null, 0, path);
        }
        String address = entry.startsWith("inet:") ? entry.substring("inet:".length()) : entry;
        String host = address;
        String port = null;
        if (address.startsWith("[")) {
            int close = address.indexOf(']');
            if (close < 0) {
                throw new ConfigException(where + ": hosts: " + entry + ": missing ]");
            }
            host = address.substring(1, close);
            String rest = address.substring(close + 1);
            if (rest.startsWith(":")) {
                port = rest.substring(1);
            } else if (!rest.isEmpty()) {
                throw new ConfigException(where + ": hosts: " + entry + ": expected [address]:port");
            }
        } else if (address.indexOf(':') >= 0) {
            host = address.substring(0, address.lastIndexOf(':'));
            port = address.substring(address.lastIndexOf(':') + 1);
        }
        if (host.isEmpty()) {
            throw new ConfigException(where + ": hosts: " + entry + ": missing host name");
        }
        return new SqlHost(host, port == null ? defaultPort : port(port, entry, where), null);
    }

    private static int port(String port, String entry, String where) throws ConfigException {
        try {
            int number = Integer.parseInt(port);
            if (number >= 1 && number <= 65535) {
                return number;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new ConfigException(where + ": hosts: " + entry + ": bad port \"" + port + "\"");
    }
}
