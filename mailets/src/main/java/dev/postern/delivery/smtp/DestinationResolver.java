package dev.postern.delivery.smtp;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

import dev.postern.address.HostSyntax;
import dev.postern.delivery.RecipientResult.Status;
import dev.postern.dns.DnsAnswer;
import dev.postern.dns.DnsLookup;
import dev.postern.dns.DnsType;

/**
 * Turns next hops into the servers to try, in order, as Postfix's smtp_addr.c does: MX hosts
 * in preference order (the domain's own addresses when it has no MX), each host's IPv4 then
 * IPv6 addresses, and the DNS outcomes that end a delivery before any connection: the null MX
 * bounces (5.1.0), a name that does not exist bounces (5.4.4), a DNS failure defers (4.4.3).
 */
public final class DestinationResolver {
    private final DnsLookup dns;

    public DestinationResolver(DnsLookup dns) {
        this.dns = Objects.requireNonNull(dns, "dns");
    }

    /**
     * The servers of a destination, or why there are none.
     *
     * @param failure set when {@code targets} is empty
     */
    public record Resolution(List<Target> targets, Optional<Outcome> failure) {
        public Resolution {
            targets = List.copyOf(targets);
        }
    }

    /** @param mxAllowed false for lmtp, which never looks up MX records */
    public Resolution resolve(List<NextHop> hops, boolean mxAllowed) {
        List<Target> targets = new ArrayList<>();
        Outcome temporary = null;
        Outcome permanent = null;
        for (NextHop hop : hops) {
            HopResult result = mxAllowed && hop.mxLookup() ? viaMx(hop) : direct(hop.host(), hop);
            targets.addAll(result.targets());
            if (result.failure() != null) {
                if (result.failure().status() == Status.DEFERRED) {
                    temporary = temporary == null ? result.failure() : temporary;
                } else {
                    permanent = result.failure();
                }
            }
        }
        if (!targets.isEmpty()) {
            return new Resolution(targets, Optional.empty());
        }
        // A temporary failure may clear up, so it outweighs a permanent one of another hop.
        return new Resolution(List.of(), Optional.of(temporary != null ? temporary : permanent));
    }

    private record HopResult(List<Target> targets, Outcome failure) {
    }

    private HopResult viaMx(NextHop hop) {
        String domain = hop.host();
        if (HostSyntax.isValidHostAddress(domain)) {
            return direct(domain, hop);
        }
        DnsAnswer mx = dns.query(domain, DnsType.MX);
        switch (mx.status()) {
            case NO_DATA:
                // RFC 5321 5.1: no MX, the domain itself is the mail host.
                return direct(domain, hop);
            case NO_SUCH_NAME:
                return new HopResult(List.of(), notFound(domain, "MX"));
            case TEMPORARY_FAILURE:
                return new HopResult(List.of(), tryAgain(domain, "MX"));
            default:
                break;
        }
        if (mx.isNullMx()) {
            return new HopResult(List.of(), Outcome.failure(true, "5.1.0",
                "Domain " + domain + " does not accept mail (nullMX)"));
        }
        List<Target> targets = new ArrayList<>();
        Outcome temporary = null;
        Outcome permanent = null;
        for (String exchange : mx.values()) {
            if (exchange.isEmpty()) {
                continue;
            }
            HopResult result = direct(exchange, hop);
            targets.addAll(result.targets());
            if (result.failure() != null) {
                if (result.failure().status() == Status.DEFERRED) {
                    temporary = temporary == null ? result.failure() : temporary;
                } else {
                    permanent = permanent == null ? result.failure() : permanent;
                }
            }
        }
        if (!targets.isEmpty()) {
            return new HopResult(targets, null);
        }
        return new HopResult(List.of(), temporary != null ? temporary : permanent);
    }

    /** A host's addresses (an address literal is its own), each a target of this hop's port. */
    private HopResult direct(String host, NextHop hop) {
        if (HostSyntax.isValidHostAddress(host)) {
            String address = HostSyntax.canonicalAddress(host);
            return new HopResult(List.of(Target.tcp(address, address, hop.port(), hop.written())), null);
        }
        List<Target> targets = new ArrayList<>();
        boolean temporary = false;
        for (DnsType type : List.of(DnsType.A, DnsType.AAAA)) {
            DnsAnswer answer = dns.query(host, type);
            if (answer.isFound()) {
                for (String address : answer.values()) {
                    targets.add(Target.tcp(host, address, hop.port(), hop.written()));
                }
            } else if (answer.isTemporaryFailure()) {
                temporary = true;
            }
        }
        if (!targets.isEmpty()) {
            return new HopResult(targets, null);
        }
        return new HopResult(List.of(), temporary ? tryAgain(host, "A") : notFound(host, "A"));
    }

    private static Outcome notFound(String name, String type) {
        return Outcome.failure(true, "5.4.4", "Host or domain name not found. Name service error for name="
            + name + " type=" + type + ": Host not found");
    }

    private static Outcome tryAgain(String name, String type) {
        return Outcome.failure(false, "4.4.3", "Host or domain name not found. Name service error for name="
            + name + " type=" + type + ": Host not found, try again");
    }
}
