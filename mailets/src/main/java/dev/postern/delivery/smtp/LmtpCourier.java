package dev.postern.delivery.smtp;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.apache.james.core.Domain;
import org.apache.james.core.MailAddress;

import dev.postern.config.ComponentParameters;
import dev.postern.config.PostfixList;
import dev.postern.delivery.Courier;
import dev.postern.delivery.Delivery;
import dev.postern.delivery.RecipientResult;
import dev.postern.dns.DnsLookup;

/**
 * Postfix's lmtp(8), the courier of the lmtp transport: next hops {@code unix:/path},
 * {@code [host]:port} or {@code host:port} (address lookups only, never MX; port 24 by default),
 * LHLO, and one reply per accepted recipient after the message, each that recipient's result.
 * No TLS and no AUTH: LMTP runs to a local mail store. Idle connections are cached as by the
 * smtp client; {@link #close()} says QUIT to them.
 */
public final class LmtpCourier implements Courier, AutoCloseable {
    public static final int DEFAULT_PORT = 24;

    private final ClientSettings settings;
    private final DestinationResolver resolver;
    private final HostWalker walker;
    private final SessionCache cache;
    private final DestinationLimiter limiter;
    private final Watchdog watchdog;
    private final java.nio.file.Path socketDirectory;

    private LmtpCourier(ClientSettings settings, DestinationResolver resolver, HostWalker walker, SessionCache cache,
                        DestinationLimiter limiter, Watchdog watchdog, java.nio.file.Path socketDirectory) {
        this.watchdog = watchdog;
        this.socketDirectory = socketDirectory;
        this.settings = settings;
        this.resolver = resolver;
        this.walker = walker;
        this.cache = cache;
        this.limiter = limiter;
    }

    /** @throws IllegalArgumentException naming a parameter with a bad value */
    public static LmtpCourier create(ComponentParameters parameters, DnsLookup dns, Clock clock) {
        return create(parameters, dns, clock, java.nio.file.Path.of(""));
    }

    /**
     * @param socketDirectory where a relative {@code unix:} path is, as Postfix's
     *        {@code unix:private/dovecot-lmtp} is under its queue directory (Postern: {@code var/})
     * @throws IllegalArgumentException naming a parameter with a bad value
     */
    public static LmtpCourier create(ComponentParameters parameters, DnsLookup dns, Clock clock,
                                     java.nio.file.Path socketDirectory) {
        ClientSettings settings = ClientSettings.from(parameters);
        SessionCache cache = new SessionCache(settings.connectionCacheOnDemand()
            ? settings.connectionCacheTimeLimit() : Duration.ZERO, clock);
        Watchdog watchdog = new Watchdog();
        HostWalker walker = new HostWalker(settings, SmtpClientSession.Mode.LMTP, Optional.<TlsClient>empty(),
            new SaslPasswords(List.of(), false), cache, watchdog, clock);
        return new LmtpCourier(settings, new DestinationResolver(dns), walker, cache,
            new DestinationLimiter(settings.destinationConcurrencyLimit()), watchdog, socketDirectory);
    }

    @Override
    public List<RecipientResult> deliver(Delivery delivery) {
        String nexthop = delivery.route().nexthop();
        if (!nexthop.isEmpty()) {
            return deliverTo(delivery, delivery.recipients(), nexthop);
        }
        Map<Domain, List<MailAddress>> byDomain = new LinkedHashMap<>();
        delivery.recipients().forEach(r -> byDomain.computeIfAbsent(r.getDomain(), d -> new ArrayList<>()).add(r));
        Map<MailAddress, RecipientResult> results = new HashMap<>();
        byDomain.forEach((domain, recipients) ->
            deliverTo(delivery, recipients, domain.asString()).forEach(r -> results.put(r.recipient(), r)));
        return delivery.recipients().stream().map(results::get).toList();
    }

    private List<RecipientResult> deliverTo(Delivery delivery, List<MailAddress> recipients, String nexthop) {
        List<Target> targets = new ArrayList<>();
        List<NextHop> hops = new ArrayList<>();
        try {
            for (String hop : PostfixList.split(nexthop)) {
                if (hop.startsWith("unix:")) {
                    String path = hop.substring(5);
                    if (path.isEmpty()) {
                        throw new IllegalArgumentException("bad next hop \"" + hop + "\": no socket path");
                    }
                    targets.add(Target.socket(settings.myhostname(), socketDirectory.resolve(path).toString(), hop));
                } else {
                    String inet = hop.startsWith("inet:") ? hop.substring(5) : hop;
                    hops.add(NextHop.parse(inet, DEFAULT_PORT));
                }
            }
        } catch (IllegalArgumentException e) {
            return walker.all(recipients, Outcome.failure(false, "4.3.5", "route " + delivery.route() + ": "
                + e.getMessage()), "none");
        }
        try (DestinationLimiter.Permit permit = limiter.acquire(nexthop)) {
            Optional<Outcome> failure = Optional.empty();
            if (!hops.isEmpty()) {
                DestinationResolver.Resolution resolution = resolver.resolve(hops, false);
                targets.addAll(resolution.targets());
                failure = resolution.failure();
            }
            if (targets.isEmpty()) {
                return walker.all(recipients, failure.orElseThrow(), "none");
            }
            return walker.deliver(delivery, recipients, targets);
        }
    }

    @Override
    public String service() {
        return "lmtp";
    }

    @Override
    public void close() {
        cache.close();
        watchdog.close();
    }
}
