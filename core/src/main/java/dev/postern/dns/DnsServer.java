package dev.postern.dns;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

import dev.postern.address.HostSyntax;
import dev.postern.config.PostfixList;

/**
 * One DNS server of {@code postern_dns_servers}: {@code address[:port]}, an IPv6 address in
 * brackets ({@code [::1]:53}). Only addresses are accepted: naming the DNS server by a host
 * name would need DNS to find DNS. James's own DNS service cannot take a port, which is why
 * Postern has this parameter at all.
 *
 * @param address an IPv4 or IPv6 address literal, without brackets
 * @param port    1 to 65535; 53 when the value gives none
 */
public record DnsServer(String address, int port) {
    public static final int DEFAULT_PORT = 53;

    public DnsServer {
        Objects.requireNonNull(address, "address");
        if (!HostSyntax.isValidIpv4(address) && !HostSyntax.isValidIpv6(address)) {
            throw new IllegalArgumentException("not an IP address: " + address);
        }
        if (port < 1 || port > 65535) {
            throw new IllegalArgumentException("port out of range: " + port);
        }
    }

    /**
     * Parses a list value; empty means "the system resolver" (/etc/resolv.conf).
     *
     * @throws IllegalArgumentException {@code PARAMETER: bad DNS server "X": reason}
     */
    public static List<DnsServer> parseList(String parameter, String value) {
        List<DnsServer> servers = new ArrayList<>();
        for (String element : PostfixList.split(value == null ? "" : value)) {
            servers.add(parse(parameter, element));
        }
        return List.copyOf(servers);
    }

    static DnsServer parse(String parameter, String text) {
        String host;
        String port = null;
        if (text.startsWith("[")) {
            int close = text.indexOf(']');
            if (close < 0) {
                throw bad(parameter, text, "missing \"]\" after the address");
            }
            host = text.substring(1, close);
            String rest = text.substring(close + 1);
            if (!rest.isEmpty()) {
                if (!rest.startsWith(":")) {
                    throw bad(parameter, text, "expected \":port\" after \"]\"");
                }
                port = rest.substring(1);
            }
        } else {
            int colon = text.indexOf(':');
            if (colon >= 0 && text.indexOf(':', colon + 1) >= 0) {
                throw bad(parameter, text, "write an IPv6 address in brackets, as in [::1]:53");
            }
            host = colon < 0 ? text : text.substring(0, colon);
            port = colon < 0 ? null : text.substring(colon + 1);
        }
        if (!HostSyntax.isValidIpv4(host) && !HostSyntax.isValidIpv6(host)) {
            throw bad(parameter, text, "\"" + host + "\" is not an IP address (a DNS server is named by its address)");
        }
        return new DnsServer(host, port == null ? DEFAULT_PORT : parsePort(parameter, text, port));
    }

    private static int parsePort(String parameter, String text, String port) {
        if (!port.matches("[0-9]{1,5}") || Integer.parseInt(port) < 1 || Integer.parseInt(port) > 65535) {
            throw bad(parameter, text, "bad port \"" + port + "\" (1-65535)");
        }
        return Integer.parseInt(port);
    }

    /** The socket address; the address is a literal, so no lookup happens. */
    public InetSocketAddress socketAddress() {
        try {
            return new InetSocketAddress(InetAddress.getByName(address), port);
        } catch (UnknownHostException e) {
            throw new IllegalStateException("an address literal did not parse: " + address, e);
        }
    }

    @Override
    public String toString() {
        return (address.indexOf(':') >= 0 ? "[" + address + "]" : address) + ":" + port;
    }

    private static IllegalArgumentException bad(String parameter, String text, String reason) {
        return new IllegalArgumentException(parameter + ": bad DNS server \"" + text + "\": " + reason);
    }
}
