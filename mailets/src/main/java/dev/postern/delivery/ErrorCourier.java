package dev.postern.delivery;

import java.time.Clock;
import java.time.Instant;
import java.util.List;

import dev.postern.delivery.route.RouteResolver;

/**
 * Postfix's error(8): every recipient is bounced with the route's {@code [D.S.N ]text} (default
 * 5.0.0), as a transport(5) entry {@code error:5.1.1 No such user} or the virtual alias class ask.
 */
public final class ErrorCourier implements Courier {
    private final Clock clock;

    public ErrorCourier() {
        this(Clock.systemUTC());
    }

    /** @param clock the time results give as "connected" (nothing to connect to: the moment of the answer) */
    public ErrorCourier(Clock clock) {
        this.clock = clock;
    }

    @Override
    public List<RecipientResult> deliver(Delivery delivery) {
        StatusText status = StatusText.parse(delivery.route().nexthop(), "5.0.0", RouteResolver.UNDELIVERABLE);
        Instant now = clock.instant();
        return delivery.recipients().stream()
            .map(recipient -> RecipientResult.bounced(recipient, status.dsn(), "none", status.text(), now))
            .toList();
    }

    @Override
    public String service() {
        return "error";
    }
}
