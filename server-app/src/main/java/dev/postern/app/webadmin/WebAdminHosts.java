package dev.postern.app.webadmin;

import java.net.InetAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.net.UnknownHostException;
import java.util.LinkedHashSet;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

import dev.postern.config.ListenAddress;

/**
 * The {@code Host} header values WebAdmin answers to: its own listen address, as bound. A web page
 * that rebinds its own DNS name to 127.0.0.1 (DNS rebinding) still sends that name as Host, so
 * refusing every other name keeps such pages out even before the credential is checked.
 * <ul>
 * <li>always {@code HOST:PORT} of {@code postern_webadmin_listen};</li>
 * <li>bound to loopback or to a wildcard address: also {@code localhost}, {@code 127.0.0.1} and
 * {@code [::1]} with the port, which is where {@code bin/postern} and local tools connect;</li>
 * <li>bound to a wildcard address: also an IP address of one of this host's interfaces (an address
 * literal cannot be rebound by a DNS answer).</li>
 * </ul>
 * Host names are compared without regard to case; the port may be left out only when it is 80.
 */
public final class WebAdminHosts {
    private static final Pattern IPV4 = Pattern.compile("[0-9]{1,3}(\\.[0-9]{1,3}){3}");

    private final ListenAddress listen;
    private final Set<String> names = new LinkedHashSet<>();

    public WebAdminHosts(ListenAddress listen) {
        this.listen = listen;
        names.add(hostForm(listen.host()));
        if (isLoopback(listen.host()) || isWildcard(listen.host())) {
            names.add("localhost");
            names.add("127.0.0.1");
            names.add("[::1]");
        }
    }

    /** Whether WebAdmin can be reached from beyond this host, which deserves a warning at start. */
    public boolean beyondLoopback() {
        return !isLoopback(listen.host());
    }

    public ListenAddress listen() {
        return listen;
    }

    public boolean accepts(String hostHeader) {
        if (hostHeader == null) {
            return false;
        }
        Optional<String[]> split = split(hostHeader.strip().toLowerCase(Locale.ROOT));
        if (split.isEmpty()) {
            return false;
        }
        String host = split.get()[0];
        String port = split.get()[1];
        boolean portMatches = port == null ? listen.port() == 80 : port.equals(Integer.toString(listen.port()));
        return portMatches && (names.contains(host) || isWildcard(listen.host()) && isLocalInterfaceAddress(host));
    }

    /** {@code host} and {@code port} (null when absent) of a Host header value, or empty when malformed. */
    private static Optional<String[]> split(String value) {
        String host;
        String rest;
        if (value.startsWith("[")) {
            int close = value.indexOf(']');
            if (close < 0) {
                return Optional.empty();
            }
            host = value.substring(0, close + 1);
            rest = value.substring(close + 1);
        } else {
            int colon = value.indexOf(':');
            host = colon < 0 ? value : value.substring(0, colon);
            rest = colon < 0 ? "" : value.substring(colon);
        }
        if (rest.isEmpty()) {
            return Optional.of(new String[] {host, null});
        }
        if (!rest.matches(":[0-9]{1,5}")) {
            return Optional.empty();
        }
        return Optional.of(new String[] {host, Integer.toString(Integer.parseInt(rest.substring(1)))});
    }

    private static String hostForm(String host) {
        String lower = host.toLowerCase(Locale.ROOT);
        return lower.indexOf(':') >= 0 ? "[" + lower + "]" : lower;
    }

    static boolean isLoopback(String host) {
        return host.equalsIgnoreCase("localhost") || literal(host).map(InetAddress::isLoopbackAddress).orElse(false);
    }

    static boolean isWildcard(String host) {
        return literal(host).map(InetAddress::isAnyLocalAddress).orElse(false);
    }

    private static boolean isLocalInterfaceAddress(String host) {
        String bare = host.startsWith("[") && host.endsWith("]") ? host.substring(1, host.length() - 1) : host;
        Optional<InetAddress> address = literal(bare);
        if (address.isEmpty() || address.get().isAnyLocalAddress()) {
            return false;
        }
        try {
            return NetworkInterface.getByInetAddress(address.get()) != null;
        } catch (SocketException e) {
            return false;
        }
    }

    /** An IP address written as such; never a DNS query, which a host name would cause. */
    private static Optional<InetAddress> literal(String host) {
        boolean ipv4 = IPV4.matcher(host).matches()
            && java.util.Arrays.stream(host.split("\\.")).allMatch(octet -> Integer.parseInt(octet) <= 255);
        // Java reads anything with a colon as an IPv6 literal and never looks it up.
        boolean ipv6 = host.indexOf(':') >= 0 && host.matches("[0-9a-fA-F:.]+");
        if (!ipv4 && !ipv6) {
            return Optional.empty();
        }
        try {
            return Optional.of(InetAddress.getByName(host));
        } catch (UnknownHostException e) {
            return Optional.empty();
        }
    }
}
