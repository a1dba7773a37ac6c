package dev.postern.mailets;

import java.util.Optional;

/**
 * Translates Postfix's {@code relayhost} ({@code [host]:port}, {@code [host]},
 * {@code host:port}, {@code host}) into the {@code host:port} gateway that James's
 * RemoteDelivery takes. Brackets mean "no MX lookup" in Postfix; RemoteDelivery never
 * looks up MX records for a gateway, so until Postern's own SMTP agent exists an
 * unbracketed name is also used as a host name (the README says so).
 */
public record RelayhostGateway(String host, int port) {
    private static final int SMTP_PORT = 25;

    public static Optional<RelayhostGateway> parse(String relayhost) {
        String value = relayhost.trim();
        if (value.isEmpty()) {
            return Optional.empty();
        }
        String host;
        String rest;
        if (value.startsWith("[")) {
            int close = value.indexOf(']');
            if (close < 0) {
                throw new IllegalArgumentException("relayhost: missing ']' in \"" + relayhost + "\"");
            }
            host = value.substring(1, close);
            rest = value.substring(close + 1);
        } else {
            int colon = value.indexOf(':');
            host = colon < 0 ? value : value.substring(0, colon);
            rest = colon < 0 ? "" : value.substring(colon);
        }
        if (host.isEmpty() || host.contains(":") || host.contains(" ") || host.contains(",")) {
            throw new IllegalArgumentException("relayhost: bad host in \"" + relayhost
                + "\" (one host, optionally [bracketed], IPv6 is not supported here)");
        }
        return Optional.of(new RelayhostGateway(host, parsePort(rest, relayhost)));
    }

    private static int parsePort(String rest, String relayhost) {
        if (rest.isEmpty()) {
            return SMTP_PORT;
        }
        if (!rest.startsWith(":")) {
            throw new IllegalArgumentException("relayhost: unexpected \"" + rest + "\" in \"" + relayhost + "\"");
        }
        try {
            int port = Integer.parseInt(rest.substring(1));
            if (port < 1 || port > 65535) {
                throw new NumberFormatException();
            }
            return port;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("relayhost: bad port in \"" + relayhost + "\"");
        }
    }

    public String asGateway() {
        return host + ":" + port;
    }
}
