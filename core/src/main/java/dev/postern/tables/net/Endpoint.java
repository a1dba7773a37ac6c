package dev.postern.tables.net;

import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.UnixDomainSocketAddress;
import java.nio.file.Path;

import dev.postern.config.ConfigException;

/**
 * Where a socketmap or tcp table server listens: {@code inet:host:port} (or plain {@code host:port})
 * or {@code unix:/path}. Resolved at each connect, so a server that moves to another address is found.
 */
record Endpoint(String text, String host, int port, Path unixPath) {

    /** {@code host:port}, {@code [v6]:port}, {@code inet:host:port} or {@code unix:/path}. */
    static Endpoint parse(String table, String text) throws ConfigException {
        if (text.startsWith("unix:")) {
            String path = text.substring("unix:".length());
            if (path.isEmpty()) {
                throw new ConfigException("table " + table + ": missing socket path after \"unix:\"");
            }
            return new Endpoint(text, null, 0, Path.of(path));
        }
        String hostPort = text.startsWith("inet:") ? text.substring("inet:".length()) : text;
        int colon = hostPort.lastIndexOf(':');
        if (colon <= 0 || colon == hostPort.length() - 1) {
            throw new ConfigException("table " + table + ": expected host:port, found \"" + hostPort + "\"");
        }
        String host = hostPort.substring(0, colon);
        if (host.startsWith("[") && host.endsWith("]")) {
            host = host.substring(1, host.length() - 1);
        }
        int port;
        try {
            port = Integer.parseInt(hostPort.substring(colon + 1));
        } catch (NumberFormatException e) {
            port = -1;
        }
        if (port < 1 || port > 65535) {
            throw new ConfigException("table " + table + ": bad port \"" + hostPort.substring(colon + 1) + "\"");
        }
        return new Endpoint(text, host, port, null);
    }

    SocketAddress address() {
        return unixPath != null ? UnixDomainSocketAddress.of(unixPath) : new InetSocketAddress(host, port);
    }

    @Override
    public String toString() {
        return text;
    }
}
