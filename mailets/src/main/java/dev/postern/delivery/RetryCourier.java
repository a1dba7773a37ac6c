package dev.postern.delivery;

import java.time.Clock;
import java.time.Instant;
import java.util.List;

import dev.postern.delivery.route.RouteResolver;

/**
 * Postfix's retry service (error(8) run as retry): every recipient is deferred with the route's
 * {@code [D.S.N ]text} (default 4.0.0), so the mail waits in the queue until the entry changes or
 * the mail expires.
 */
public final class RetryCourier implements Courier {
    private final Clock clock;

    public RetryCourier() {
        this(Clock.systemUTC());
    }

    /** @param clock the time results give as "connected" (nothing to connect to: the moment of the answer) */
    public RetryCourier(Clock clock) {
        this.clock = clock;
    }

    @Override
    public List<RecipientResult> deliver(Delivery delivery) {
        StatusText status = StatusText.parse(delivery.route().nexthop(), "4.0.0", RouteResolver.UNDELIVERABLE);
        Instant now = clock.instant();
        return delivery.recipients().stream()
            .map(recipient -> RecipientResult.deferred(recipient, status.dsn(), "none", status.text(), now))
            .toList();
    }

    @Override
    public String service() {
        return "retry";
    }
}
