package dev.postern.milter;

import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.UnixDomainSocketAddress;
import java.nio.file.Path;

/**
 * Where a filter listens, in Postfix's notation: {@code inet:host:port} ({@code inet:[::1]:port}
 * for IPv6) or {@code unix:/path} ({@code local:} is the same). A relative unix path is taken
 * against {@code base}, as Postfix takes it against its queue directory.
 */
public record MilterEndpoint(String name, SocketAddress address) {

    public static MilterEndpoint parse(String spec, Path base) {
        int colon = spec.indexOf(':');
        if (colon < 0) {
            throw new IllegalArgumentException("milter " + spec + ": expected inet:host:port or unix:/path");
        }
        String type = spec.substring(0, colon);
        String rest = spec.substring(colon + 1);
        return switch (type) {
            case "inet" -> new MilterEndpoint(spec, inet(spec, rest));
            case "unix", "local" -> new MilterEndpoint(spec, UnixDomainSocketAddress.of(base.resolve(rest)));
            default -> throw new IllegalArgumentException("milter " + spec + ": unsupported type " + type
                + " (expected inet:host:port or unix:/path)");
        };
    }

    private static InetSocketAddress inet(String spec, String hostPort) {
        int colon = hostPort.lastIndexOf(':');
        if (colon <= 0 || colon == hostPort.length() - 1) {
            throw new IllegalArgumentException("milter " + spec + ": expected inet:host:port");
        }
        String host = hostPort.substring(0, colon);
        if (host.startsWith("[") && host.endsWith("]")) {
            host = host.substring(1, host.length() - 1);
        }
        int port;
        try {
            port = Integer.parseInt(hostPort.substring(colon + 1));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("milter " + spec + ": bad port " + hostPort.substring(colon + 1));
        }
        if (port < 1 || port > 65535) {
            throw new IllegalArgumentException("milter " + spec + ": bad port " + port);
        }
        return InetSocketAddress.createUnresolved(host, port);
    }

    @Override
    public String toString() {
        return name;
    }
}
