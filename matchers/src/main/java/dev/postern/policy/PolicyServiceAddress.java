package dev.postern.policy;

import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.UnixDomainSocketAddress;
import java.nio.file.Path;
import java.util.Locale;

/**
 * Where a policy service listens: {@code inet:host:port} or {@code unix:/path}, as
 * {@code check_policy_service} names it.
 *
 * @param spec the address as written
 * @param host the host of an inet address; null for a unix socket
 * @param port the port of an inet address
 * @param path the socket of a unix address; null for inet
 */
public record PolicyServiceAddress(String spec, String host, int port, Path path) {

    /**
     * @param socketDirectory where a relative {@code unix:} path is: Postern's {@code var/}, as
     *                        Postfix's {@code unix:private/policy} is under its queue directory
     * @throws IllegalArgumentException for another type, a missing port or an empty socket path
     */
    public static PolicyServiceAddress parse(String spec, Path socketDirectory) {
        String lower = spec.toLowerCase(Locale.ROOT);
        if (lower.startsWith("inet:")) {
            String rest = spec.substring("inet:".length());
            int colon = rest.lastIndexOf(':');
            if (colon <= 0 || colon == rest.length() - 1) {
                throw new IllegalArgumentException("\"" + spec + "\": expected inet:host:port");
            }
            String host = rest.substring(0, colon);
            if (host.startsWith("[") && host.endsWith("]")) {
                host = host.substring(1, host.length() - 1);
            }
            int port;
            try {
                port = Integer.parseInt(rest.substring(colon + 1));
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("\"" + spec + "\": the port must be a number", e);
            }
            if (port < 1 || port > 65535) {
                throw new IllegalArgumentException("\"" + spec + "\": port out of range");
            }
            return new PolicyServiceAddress(spec, host, port, null);
        }
        if (lower.startsWith("unix:")) {
            String name = spec.substring("unix:".length());
            if (name.isBlank()) {
                throw new IllegalArgumentException("\"" + spec + "\": expected unix:/path or unix:name under var/");
            }
            return new PolicyServiceAddress(spec, null, 0, socketDirectory.resolve(name).toAbsolutePath().normalize());
        }
        throw new IllegalArgumentException("\"" + spec + "\": expected inet:host:port or unix:/path");
    }

    /** The socket address, resolved now (a host name may change its address between connections). */
    SocketAddress socketAddress() {
        return path != null ? UnixDomainSocketAddress.of(path) : new InetSocketAddress(host, port);
    }

    /** The name Postfix's warnings give the server: {@code 127.0.0.1:9998}, {@code /path}. */
    public String serverName() {
        return path != null ? path.toString() : host + ":" + port;
    }

    @Override
    public String toString() {
        return spec;
    }
}
