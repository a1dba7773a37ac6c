package dev.postern.delivery.smtp;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;

import dev.postern.config.PostfixList;

/**
 * One next hop of an smtp or lmtp route, as transport(5) writes it: {@code [host]:port} and
 * {@code [host]} are used as they are (no MX lookup), {@code host:port} and {@code host} are a
 * domain whose MX hosts are looked up (the lmtp client never looks up MX). IP addresses need the
 * brackets, as in Postfix.
 *
 * @param host      the host or domain, without brackets, in lower case
 * @param port      the TCP port
 * @param mxLookup  whether the host is a domain whose MX records are looked up
 * @param written   the hop as written ({@code [mail.isp.example]:587}): a smtp_sasl_password_maps key
 */
public record NextHop(String host, int port, boolean mxLookup, String written) {
    /** Compiled once: the relayhost is parsed again for each delivery. */
    private static final Pattern PORT = Pattern.compile("[0-9]{1,5}");

    public NextHop {
        if (host.isEmpty()) {
            throw new IllegalArgumentException("a next hop needs a host: \"" + written + "\"");
        }
        host = host.toLowerCase(Locale.ROOT);
    }

    /**
     * Parses a comma or space separated list of hops; an empty list means {@code domain} (the
     * recipients' domain, with an MX lookup).
     *
     * @throws IllegalArgumentException naming the hop at fault
     */
    public static List<NextHop> parseList(String text, String domain, int defaultPort) {
        List<NextHop> hops = new ArrayList<>();
        for (String element : PostfixList.split(text == null ? "" : text)) {
            hops.add(parse(element, defaultPort));
        }
        if (hops.isEmpty()) {
            hops.add(new NextHop(domain, defaultPort, true, domain));
        }
        return List.copyOf(hops);
    }

    static NextHop parse(String text, int defaultPort) {
        if (text.startsWith("[")) {
            int close = text.indexOf(']');
            if (close < 0) {
                throw bad(text, "missing \"]\"");
            }
            String host = text.substring(1, close);
            if (host.regionMatches(true, 0, "ipv6:", 0, 5)) {
                host = host.substring(5);
            }
            String rest = text.substring(close + 1);
            if (!rest.isEmpty() && !rest.startsWith(":")) {
                throw bad(text, "expected \":port\" after \"]\"");
            }
            return new NextHop(host, rest.isEmpty() ? defaultPort : port(text, rest.substring(1)), false, text);
        }
        int colon = text.indexOf(':');
        if (colon >= 0 && text.indexOf(':', colon + 1) >= 0) {
            throw bad(text, "write an IPv6 address in brackets, as in [2001:db8::1]:25");
        }
        String host = colon < 0 ? text : text.substring(0, colon);
        int port = colon < 0 ? defaultPort : port(text, text.substring(colon + 1));
        return new NextHop(host, port, true, text);
    }

    private static int port(String text, String port) {
        if (!PORT.matcher(port).matches() || Integer.parseInt(port) < 1 || Integer.parseInt(port) > 65535) {
            throw bad(text, "bad port \"" + port + "\" (1-65535)");
        }
        return Integer.parseInt(port);
    }

    private static IllegalArgumentException bad(String text, String reason) {
        return new IllegalArgumentException("bad next hop \"" + text + "\": " + reason);
    }
}
