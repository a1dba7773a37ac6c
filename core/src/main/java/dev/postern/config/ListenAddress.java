package dev.postern.config;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.util.Objects;
import java.util.Optional;

/**
 * Where a listener binds, as written in a {@code postern_*_listen} parameter:
 * {@code host:port}, {@code [ipv6]:port} (or {@code [ipv4]:port}). An empty value disables the listener, which is
 * why {@link #parse} answers an {@link Optional}.
 *
 * @param host a host name, an IPv4 address or an IPv6 address (without brackets)
 * @param port 1 to 65535
 */
public record ListenAddress(String host, int port) {

    public ListenAddress {
        Objects.requireNonNull(host, "host");
        if (host.isEmpty()) {
            throw new IllegalArgumentException("empty host");
        }
        if (port < 1 || port > 65535) {
            throw new IllegalArgumentException("port out of range: " + port);
        }
    }

    /**
     * Parses a listen address.
     *
     * @param parameter the parameter the value belongs to, named in errors
     * @return empty when the value is empty (listener disabled)
     * @throws IllegalArgumentException {@code PARAMETER: reason}
     */
    public static Optional<ListenAddress> parse(String parameter, String value) {
        String text = value.trim();
        if (text.isEmpty()) {
            return Optional.empty();
        }
        String host;
        String port;
        if (text.startsWith("[")) {
            int close = text.indexOf(']');
            if (close < 0) {
                throw bad(parameter, text, "missing \"]\" after the IPv6 address");
            }
            host = text.substring(1, close);
            String rest = text.substring(close + 1);
            if (!rest.startsWith(":")) {
                throw bad(parameter, text, "missing \":port\" after \"]\"");
            }
            port = rest.substring(1);
            // Postfix also accepts [ipv4]:port, as relayhost is often written.
            if (!isIpv6Literal(host) && !isIpv4(host)) {
                throw bad(parameter, text, "\"" + host + "\" is not an IP address");
            }
        } else {
            int colon = text.lastIndexOf(':');
            if (colon < 0) {
                throw bad(parameter, text, "missing \":port\"");
            }
            host = text.substring(0, colon);
            port = text.substring(colon + 1);
            if (host.indexOf(':') >= 0) {
                throw bad(parameter, text, "write an IPv6 address in brackets, as in [::1]:25");
            }
            if (host.isEmpty()) {
                throw bad(parameter, text, "missing host before \":\" (use 0.0.0.0 for all IPv4 addresses)");
            }
            if (!isHostnameOrIpv4(host)) {
                throw bad(parameter, text, "\"" + host + "\" is not a host name or IPv4 address");
            }
        }
        return Optional.of(new ListenAddress(host, parsePort(parameter, text, port)));
    }

    /** The address to bind; resolves a host name, so call it when binding, not when parsing. */
    public InetSocketAddress toSocketAddress() {
        return new InetSocketAddress(host, port);
    }

    /** The address as main.cf writes it. */
    @Override
    public String toString() {
        return (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + port;
    }

    private static int parsePort(String parameter, String text, String port) {
        if (!port.matches("[0-9]{1,5}")) {
            throw bad(parameter, text, "bad port \"" + port + "\"");
        }
        int number = Integer.parseInt(port);
        if (number < 1 || number > 65535) {
            throw bad(parameter, text, "port " + number + " is out of range 1-65535");
        }
        return number;
    }

    private static boolean isIpv6Literal(String host) {
        // Restricting the characters first guarantees InetAddress parses a literal and never
        // asks DNS (a "%zone" suffix is allowed for link-local addresses).
        if (host.indexOf(':') < 0 || !host.matches("[0-9A-Fa-f:.]+(%[0-9A-Za-z_.-]+)?")) {
            return false;
        }
        try {
            InetAddress.getByName(host);
            return true;
        } catch (UnknownHostException e) {
            return false;
        }
    }

    private static boolean isHostnameOrIpv4(String host) {
        if (host.matches("[0-9.]+")) {
            return isIpv4(host);
        }
        String label = "[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?";
        return host.length() <= 253 && host.matches(label + "(\\." + label + ")*");
    }

    private static boolean isIpv4(String host) {
        String[] octets = host.split("\\.", -1);
        if (octets.length != 4) {
            return false;
        }
        for (String octet : octets) {
            if (!octet.matches("[0-9]{1,3}") || Integer.parseInt(octet) > 255) {
                return false;
            }
        }
        return true;
    }

    private static IllegalArgumentException bad(String parameter, String text, String reason) {
        return new IllegalArgumentException(
                parameter + ": bad listen address \"" + text + "\": " + reason);
    }
}
