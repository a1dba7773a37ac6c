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
import java.util.function.Consumer;
import java.util.function.Function;

import org.apache.james.core.Domain;
import org.apache.james.core.MailAddress;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.postern.address.AddressClassifier;
import dev.postern.config.ComponentParameters;
import dev.postern.delivery.Courier;
import dev.postern.delivery.Delivery;
import dev.postern.delivery.RecipientResult;
import dev.postern.delivery.smtp.dane.DaneResolver;
import dev.postern.delivery.smtp.sts.MtaSts;
import dev.postern.dns.DnsLookup;
import dev.postern.dns.DnssecLookup;
import dev.postern.tables.LookupTable;

/**
 * Postfix's smtp(8), the courier of the smtp and relay transports: finds the servers of the
 * route's next hop (MX lookup unless the hop is {@code [host]}, a list of hops tried in order, the
 * recipients' domain when there is none), holds one of default_destination_concurrency_limit
 * permits for that destination, and delivers through {@link HostWalker}. Idle connections are
 * cached for smtp_connection_cache_time_limit; {@link #close()} says QUIT to them. Each server's
 * TLS policy is its next hop's (smtp_tls_policy_maps, else smtp_tls_security_level); at the dane
 * levels DANE (smtp_dns_support_level = dnssec) decides each connection, and dane-only without
 * dnssec defers before connecting (see {@link TlsLevel}). Mail to a recipient domain's own MX
 * hosts follows the domain's MTA-STS policy when {@code postern_mta_sts = yes} ({@link MtaSts}),
 * unless DANE authenticates the destination.
 */
public final class SmtpCourier implements Courier, AutoCloseable {
    public static final int DEFAULT_PORT = 25;
    private static final Logger LOGGER = LoggerFactory.getLogger(SmtpCourier.class);

    private final DestinationResolver resolver;
    private final HostWalker walker;
    private final SessionCache cache;
    private final DestinationLimiter limiter;
    private final Watchdog watchdog;
    private final MtaSts sts;

    private SmtpCourier(DestinationResolver resolver, HostWalker walker, SessionCache cache, DestinationLimiter limiter,
                        Watchdog watchdog, MtaSts sts) {
        this.sts = sts;
        this.watchdog = watchdog;
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
        return create(parameters, dns, tables, clock, line -> LOGGER.info("{}", line), MtaSts.disabled());
    }

    /**
     * @param tables opens a {@code type:name} table of smtp_sasl_password_maps and smtp_tls_policy_maps
     * @param tlsLog the mail log's lines of this service, for the TLS lines smtp_tls_loglevel asks for
     * @throws IllegalArgumentException naming a parameter with a bad value
     */
    public static SmtpCourier create(ComponentParameters parameters, DnsLookup dns, Function<String, LookupTable> tables,
                                     Clock clock, Consumer<String> tlsLog) {
        return create(parameters, dns, tables, clock, tlsLog, MtaSts.disabled());
    }

    /**
     * @param tlsLog the mail log's lines of this service, for the TLS lines smtp_tls_loglevel asks for
     * @param sts MTA-STS policies of recipient domains ({@link MtaSts#disabled()} when off)
     * @throws IllegalArgumentException naming a parameter with a bad value
     */
    public static SmtpCourier create(ComponentParameters parameters, DnsLookup dns, Function<String, LookupTable> tables,
                                     Clock clock, Consumer<String> tlsLog, MtaSts sts) {
        ClientSettings settings = ClientSettings.from(parameters);
        List<LookupTable> maps = new ArrayList<>();
        if (settings.saslEnabled()) {
            settings.saslPasswordMaps().forEach(name -> maps.add(tables.apply(name)));
        }
        SaslPasswords passwords = new SaslPasswords(maps, settings.senderDependentAuthentication());
        // TLS material is read even at level none: a policy table entry may ask for TLS.
        Optional<TlsClient> tls = Optional.of(TlsClient.create(settings.tls(), tables, tlsLog));
        SessionCache cache = new SessionCache(settings.connectionCacheOnDemand()
            ? settings.connectionCacheTimeLimit() : java.time.Duration.ZERO, clock);
        Watchdog watchdog = new Watchdog();
        // smtp_dns_support_level = dnssec: MX and address lookups validated (bogus answers defer),
        // and DANE's TLSA lookups for every destination whose effective policy (smtp_tls_policy_maps
        // or smtp_tls_security_level) is dane or dane-only (dev.postern.delivery.smtp.dane).
        Optional<DnssecLookup> dnssec = DaneResolver.dnssecLookup(parameters);
        Optional<DaneResolver> dane = dnssec.map(DaneResolver::new);
        HostWalker walker = new HostWalker(settings, SmtpClientSession.Mode.SMTP, tls, passwords, cache, watchdog, clock, dane);
        return new SmtpCourier(new DestinationResolver(dnssec.<DnsLookup>map(d -> d).orElse(dns), ownAddresses(parameters)),
            walker, cache, new DestinationLimiter(settings.destinationConcurrencyLimit()), watchdog, sts);
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
        // The level MTA-STS would change is the destination's effective one (smtp_tls_policy_maps
        // too); DANE takes precedence over MTA-STS when it authenticates the servers (RFC 8461 2).
        Optional<TlsLevel> level = walker.policyLevel(targets.get(0));
        if (level.isEmpty()) {
            return walker.deliver(delivery, recipients, targets);
        }
        MtaSts.Plan plan = sts.plan(domain, targets, level.get(), walker.daneAuthenticates(targets));
        if (plan.deferral().isPresent()) {
            return walker.all(recipients, Outcome.failure(false, "4.7.5", plan.deferral().get()), "none");
        }
        if (!plan.applies()) {
            return walker.deliver(delivery, recipients, targets);
        }
        return walker.withSts(plan.level().orElseThrow(), plan.trust(), plan.cacheKey(), plan.observer())
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
