package dev.postern.delivery.smtp;

import java.io.IOException;
import java.net.InetAddress;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;

import org.apache.james.core.Domain;
import org.apache.james.core.MailAddress;

import dev.postern.address.AddressClassifier;
import dev.postern.config.ComponentParameters;
import dev.postern.delivery.Courier;
import dev.postern.delivery.Delivery;
import dev.postern.delivery.RecipientResult;
import dev.postern.delivery.smtp.sts.MtaSts;
import dev.postern.dns.DnsLookup;
import dev.postern.tables.LookupTable;

/**
 * Postfix's smtp(8), the courier of the smtp and relay transports: finds the servers of the
 * route's next hop (MX lookup unless the hop is {@code [host]}, a list of hops tried in order, the
 * recipients' domain when there is none), holds one of default_destination_concurrency_limit
 * permits for that destination, and delivers through {@link HostWalker}. Idle connections are
 * cached for smtp_connection_cache_time_limit; {@link #close()} says QUIT to them. At a TLS
 * level Postern cannot honour yet (dane-only, fingerprint) every delivery is deferred before any
 * connection (see {@link TlsLevel}). Mail to a recipient domain's own MX hosts follows the
 * domain's MTA-STS policy when {@code postern_mta_sts = yes} ({@link MtaSts}).
 */
public final class SmtpCourier implements Courier, AutoCloseable {
    public static final int DEFAULT_PORT = 25;

    private final DestinationResolver resolver;
    private final HostWalker walker;
    private final SessionCache cache;
    private final DestinationLimiter limiter;
    private final Watchdog watchdog;
    private final TlsLevel tlsLevel;
    private final MtaSts sts;

    private SmtpCourier(DestinationResolver resolver, HostWalker walker, SessionCache cache, DestinationLimiter limiter,
                        Watchdog watchdog, TlsLevel tlsLevel, MtaSts sts) {
        this.sts = sts;
        this.watchdog = watchdog;
        this.tlsLevel = tlsLevel;
        this.resolver = resolver;
        this.walker = walker;
        this.cache = cache;
        this.limiter = limiter;
    }

    /**
     * @param tables opens a {@code type:name} table of smtp_sasl_password_maps
     * @throws IllegalArgumentException naming a parameter with a bad value
     */
    public static SmtpCourier create(ComponentParameters parameters, DnsLookup dns, Function<String, LookupTable> tables,
                                     Clock clock) {
        return create(parameters, dns, tables, clock, MtaSts.disabled());
    }

    /** @param sts MTA-STS policies of recipient domains ({@link MtaSts#disabled()} when off) */
    public static SmtpCourier create(ComponentParameters parameters, DnsLookup dns, Function<String, LookupTable> tables,
                                     Clock clock, MtaSts sts) {
        ClientSettings settings = ClientSettings.from(parameters);
        List<LookupTable> maps = new ArrayList<>();
        if (settings.saslEnabled()) {
            settings.saslPasswordMaps().forEach(name -> maps.add(tables.apply(name)));
        }
        SaslPasswords passwords = new SaslPasswords(maps, settings.senderDependentAuthentication());
        Optional<javax.net.ssl.SSLSocketFactory> tls = settings.tlsLevel() == TlsLevel.NONE
            ? Optional.empty()
            : Optional.of(TlsContexts.forLevel(settings.tlsLevel(), settings.tlsCaFile()));
        SessionCache cache = new SessionCache(settings.connectionCacheOnDemand()
            ? settings.connectionCacheTimeLimit() : java.time.Duration.ZERO, clock);
        Watchdog watchdog = new Watchdog();
        HostWalker walker = new HostWalker(settings, SmtpClientSession.Mode.SMTP, tls, passwords, cache, watchdog, clock);
        return new SmtpCourier(new DestinationResolver(dns, ownAddresses(parameters)), walker, cache,
            new DestinationLimiter(settings.destinationConcurrencyLimit()), watchdog, settings.tlsLevel(), sts);
    }

    /** The addresses loop detection looks for among the MX hosts, as Postfix's smtp_find_self. */
    private static Set<InetAddress> ownAddresses(ComponentParameters parameters) {
        try {
            return AddressClassifier.ownAddresses(parameters.list("inet_interfaces"), parameters.list("proxy_interfaces"));
        } catch (IOException e) {
            throw new IllegalArgumentException("inet_interfaces/proxy_interfaces: cannot look up this server's addresses: "
                + e.getMessage(), e);
        }
    }

    @Override
    public List<RecipientResult> deliver(Delivery delivery) {
        String nexthop = delivery.route().nexthop();
        if (!nexthop.isEmpty()) {
            return deliverTo(delivery, delivery.recipients(), nexthop, "");
        }
        // No next hop: each recipient's domain. The queue manager groups by route, so one
        // Delivery normally has one domain; grouping again costs nothing and is never wrong.
        Map<Domain, List<MailAddress>> byDomain = new LinkedHashMap<>();
        delivery.recipients().forEach(r -> byDomain.computeIfAbsent(r.getDomain(), d -> new ArrayList<>()).add(r));
        Map<MailAddress, RecipientResult> results = new HashMap<>();
        byDomain.forEach((domain, recipients) -> {
            List<RecipientResult> group = deliverTo(delivery, recipients, "", domain.asString());
            group.forEach(result -> results.put(result.recipient(), result));
        });
        return delivery.recipients().stream().map(results::get).toList();
    }

    private List<RecipientResult> deliverTo(Delivery delivery, List<MailAddress> recipients, String nexthop, String domain) {
        Optional<String> tlsDeferral = tlsLevel.deferralReason();
        if (tlsDeferral.isPresent()) {
            return walker.all(recipients, Outcome.failure(false, "4.7.5", tlsDeferral.get()), "none");
        }
        List<NextHop> hops;
        try {
            hops = NextHop.parseList(nexthop, domain, DEFAULT_PORT);
        } catch (IllegalArgumentException e) {
            return walker.all(recipients, Outcome.failure(false, "4.3.5", "route " + delivery.route() + ": "
                + e.getMessage()), "none");
        }
        String destination = nexthop.isEmpty() ? domain : nexthop;
        try (DestinationLimiter.Permit permit = limiter.acquire(destination)) {
            DestinationResolver.Resolution resolution = resolver.resolve(hops, true);
            if (resolution.targets().isEmpty()) {
                return walker.all(recipients, resolution.failure().orElseThrow(), "none");
            }
            Optional<String> policyDomain = recipientMxDomain(hops, recipients);
            if (policyDomain.isPresent()) {
                return deliverUnderSts(delivery, recipients, policyDomain.get(), resolution.targets());
            }
            return walker.deliver(delivery, recipients, resolution.targets());
        }
    }

    /**
     * The recipients' domain when the mail goes to its MX hosts on port 25: one hop, looked up by
     * MX, naming the domain of every recipient (the route's next hop is the recipient domain unless
     * transport_maps or relayhost chose another).
     */
    private static Optional<String> recipientMxDomain(List<NextHop> hops, List<MailAddress> recipients) {
        if (hops.size() != 1 || !hops.get(0).mxLookup() || hops.get(0).port() != DEFAULT_PORT) {
            return Optional.empty();
        }
        String host = hops.get(0).host();
        boolean same = recipients.stream().allMatch(r -> r.getDomain().asString().equalsIgnoreCase(host));
        return same ? Optional.of(host) : Optional.empty();
    }

    /**
     * MTA-STS (RFC 8461) applies to mail routed by the recipient domain's own MX hosts: the
     * domain's policy may narrow the hosts, raise the TLS level, or defer the mail.
     */
    private List<RecipientResult> deliverUnderSts(Delivery delivery, List<MailAddress> recipients, String domain,
                                                  List<Target> targets) {
        // HOOK (DANE, RFC 8461 §2): true when this destination has usable DNSSEC-validated TLSA
        // records, so that DANE, not MTA-STS, decides how its servers are authenticated.
        boolean daneAuthenticated = false;
        MtaSts.Plan plan = sts.plan(domain, targets, tlsLevel, daneAuthenticated);
        if (plan.deferral().isPresent()) {
            return walker.all(recipients, Outcome.failure(false, "4.7.5", plan.deferral().get()), "none");
        }
        if (!plan.applies()) {
            return walker.deliver(delivery, recipients, targets);
        }
        return walker.withTls(plan.level().orElseThrow(), plan.tls().orElseThrow(), plan.cacheKey(), plan.observer())
            .deliver(delivery, recipients, plan.targets());
    }

    @Override
    public String service() {
        return "smtp";
    }

    /** Closes the cached idle connections (QUIT). */
    @Override
    public void close() {
        cache.close();
        watchdog.close();
    }

    int cachedSessions() {
        return cache.size();
    }
}
