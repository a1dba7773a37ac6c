package dev.postern.delivery.smtp;

import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

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
 *
 * <p>Loop detection, for SMTP to port 25 only (as Postfix: another port is another service): when
 * one of the MX hosts has an address of this server ({@code inet_interfaces},
 * {@code proxy_interfaces}), this server is a backup MX of the domain, and it and every MX host at
 * or below its preference are dropped, so mail only ever moves to a more preferred MX. When none
 * is left, the mail loops back to this server if it is itself the best MX (bounced, 5.4.6), and
 * waits for the primary relay if the more preferred hosts merely have no address now (deferred,
 * 4.4.4). A host reached without MX that is this server is a loop as well (5.4.6).
 */
public final class DestinationResolver {
    private static final int SMTP_PORT = 25;

    private final DnsLookup dns;
    /** This server's addresses, without IPv6 scopes, so that an address from DNS compares equal. */
    private final Set<InetAddress> ownAddresses;

    /** A resolver without loop detection (lmtp, tests). */
    public DestinationResolver(DnsLookup dns) {
        this(dns, Set.of());
    }

    /** @param ownAddresses this server's addresses ({@code inet_interfaces}, {@code proxy_interfaces}) */
    public DestinationResolver(DnsLookup dns, Set<InetAddress> ownAddresses) {
        this.dns = Objects.requireNonNull(dns, "dns");
        this.ownAddresses = ownAddresses.stream().map(DestinationResolver::withoutScope).collect(Collectors.toUnmodifiableSet());
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
            boolean loopDetection = mxAllowed && hop.port() == SMTP_PORT;
            HopResult result = mxAllowed && hop.mxLookup() ? viaMx(hop, loopDetection) : withoutSelf(direct(hop.host(), hop),
                hop.host(), loopDetection);
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

    private HopResult viaMx(NextHop hop, boolean loopDetection) {
        String domain = hop.host();
        if (HostSyntax.isValidHostAddress(domain)) {
            return withoutSelf(direct(domain, hop), domain, loopDetection);
        }
        DnsAnswer mx = dns.query(domain, DnsType.MX);
        switch (mx.status()) {
            case NO_DATA:
                // RFC 5321 5.1: no MX, the domain itself is the mail host.
                return withoutSelf(direct(domain, hop), domain, loopDetection);
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
        List<Exchange> exchanges = new ArrayList<>();
        Outcome temporary = null;
        Outcome permanent = null;
        for (int i = 0; i < mx.values().size(); i++) {
            String exchange = mx.values().get(i);
            if (exchange.isEmpty()) {
                continue;
            }
            HopResult result = direct(exchange, hop);
            exchanges.add(new Exchange(preference(mx, i), result.targets()));
            if (result.failure() != null) {
                if (result.failure().status() == Status.DEFERRED) {
                    temporary = temporary == null ? result.failure() : temporary;
                } else {
                    permanent = permanent == null ? result.failure() : permanent;
                }
            }
        }
        List<Target> targets = exchanges.stream().flatMap(e -> e.targets().stream()).toList();
        if (targets.isEmpty()) {
            return new HopResult(List.of(), temporary != null ? temporary : permanent);
        }
        return loopDetection ? moreThanSelf(domain, preference(mx, 0), exchanges) : new HopResult(targets, null);
    }

    /** An MX host's preference and its addresses (none when it has no address). */
    private record Exchange(int preference, List<Target> targets) {
    }

    /** The MX preference of the i-th value; an answer without preferences is ranked by its order. */
    private static int preference(DnsAnswer mx, int i) {
        return mx.preferences().isEmpty() ? i : mx.preferences().get(i);
    }

    /**
     * The targets of the MX hosts more preferred than this server, when it is one of them
     * (Postfix's smtp_find_self and smtp_truncate_self).
     */
    private HopResult moreThanSelf(String domain, int bestPreference, List<Exchange> exchanges) {
        Optional<Integer> selfPreference = exchanges.stream()
            .filter(e -> e.targets().stream().anyMatch(this::isSelf))
            .map(Exchange::preference).findFirst();
        List<Target> targets = exchanges.stream()
            .filter(e -> selfPreference.isEmpty() || e.preference() < selfPreference.get())
            .flatMap(e -> e.targets().stream()).toList();
        if (!targets.isEmpty()) {
            return new HopResult(targets, null);
        }
        int bestFound = exchanges.stream().filter(e -> !e.targets().isEmpty()).findFirst().orElseThrow().preference();
        if (bestFound != bestPreference) {
            // The better MX hosts have no address now: they may have one later.
            return new HopResult(List.of(), Outcome.failure(false, "4.4.4", "unable to find primary relay for " + domain));
        }
        return new HopResult(List.of(), loopsBack(domain));
    }

    /** A host reached without MX: none of its addresses may be this server's. */
    private HopResult withoutSelf(HopResult result, String host, boolean loopDetection) {
        if (loopDetection && result.targets().stream().anyMatch(this::isSelf)) {
            return new HopResult(List.of(), loopsBack(host));
        }
        return result;
    }

    private boolean isSelf(Target target) {
        return !ownAddresses.isEmpty() && HostSyntax.isValidHostAddress(target.address())
            && ownAddresses.contains(withoutScope(HostSyntax.numeric(target.address())));
    }

    private static InetAddress withoutScope(InetAddress address) {
        try {
            return InetAddress.getByAddress(address.getAddress());
        } catch (java.net.UnknownHostException e) {
            throw new IllegalStateException("an address of " + address.getAddress().length + " bytes", e);
        }
    }

    private static Outcome loopsBack(String name) {
        return Outcome.failure(true, "5.4.6", "mail for " + name + " loops back to myself");
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
