package dev.postern.delivery;

import java.time.Clock;
import java.time.Instant;
import java.util.List;

/**
 * Postfix's discard(8): every recipient counts as delivered (2.0.0) and the mail goes nowhere; the
 * route's next hop is the text the log line shows.
 */
public final class DiscardCourier implements Courier {
    private final Clock clock;

    public DiscardCourier() {
        this(Clock.systemUTC());
    }

    /** @param clock the time results give as "connected" (nothing to connect to: the moment of the answer) */
    public DiscardCourier(Clock clock) {
        this.clock = clock;
    }

    @Override
    public List<RecipientResult> deliver(Delivery delivery) {
        StatusText status = StatusText.parse(delivery.route().nexthop(), "2.0.0", "discarded");
        Instant now = clock.instant();
        return delivery.recipients().stream()
            .map(recipient -> RecipientResult.sent(recipient, status.dsn(), "none", status.text(), now))
            .toList();
    }

    @Override
    public String service() {
        return "discard";
    }
}
