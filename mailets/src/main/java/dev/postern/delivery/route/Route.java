package dev.postern.delivery.route;

import java.util.Locale;
import java.util.Optional;

/**
 * Where one recipient goes: a transport(5) result {@code transport:nexthop}. The transport names the
 * courier (smtp, relay, lmtp, local, virtual, error, retry, discard); the next hop is what that
 * courier makes of it: {@code [host]:port} or {@code host:port} (MX lookup) for smtp/relay, a comma
 * list of such hops, {@code [host]:port} or {@code unix:/path} for lmtp, a domain for local and
 * virtual, {@code [D.S.N ]text} for error, retry and discard. An empty next hop means the
 * recipient's domain.
 */
public record Route(String transport, String nexthop) {

    public Route {
        if (transport == null || transport.isBlank()) {
            throw new IllegalArgumentException("a route needs a transport name");
        }
        transport = transport.trim().toLowerCase(Locale.ROOT);
        nexthop = nexthop == null ? "" : nexthop.trim();
    }

    /**
     * Parses {@code transport:nexthop}, {@code transport:}, {@code transport} and {@code :nexthop} as
     * written in transport(5) and the {@code *_transport} parameters. The first colon separates the
     * two (next hops contain colons: {@code [host]:port}). An empty transport (a {@code :nexthop} or
     * {@code :} result) is returned as empty: the caller keeps the class's transport.
     */
    public static Parsed parse(String value) {
        String text = value == null ? "" : value.trim();
        int colon = text.indexOf(':');
        if (colon < 0) {
            return new Parsed(nonEmpty(text), Optional.empty());
        }
        return new Parsed(nonEmpty(text.substring(0, colon)), Optional.of(text.substring(colon + 1).trim()));
    }

    /** This route with another next hop. */
    public Route withNexthop(String other) {
        return new Route(transport, other);
    }

    /** {@code transport:nexthop}, as Postfix writes it. */
    @Override
    public String toString() {
        return transport + ":" + nexthop;
    }

    /**
     * A transport(5) value taken apart: the transport when one is written, and the next hop when a
     * colon is (an empty next hop after {@code transport:} means "the recipient's domain", which
     * differs from no next hop at all, which keeps the one the class gives).
     */
    public record Parsed(Optional<String> transport, Optional<String> nexthop) {
        /** {@code :} alone: no change. */
        public boolean isEmpty() {
            return transport.isEmpty() && nexthop.map(String::isEmpty).orElse(true);
        }
    }

    private static Optional<String> nonEmpty(String text) {
        String trimmed = text.trim();
        return trimmed.isEmpty() ? Optional.empty() : Optional.of(trimmed.toLowerCase(Locale.ROOT));
    }
}
