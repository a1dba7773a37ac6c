package dev.postern.delivery;

import java.util.List;

import dev.postern.delivery.route.Route;

/**
 * A delivery agent: Postfix's smtp, lmtp, local, virtual, error, retry and discard, behind one tiny
 * interface (chasquid's courier). The queue manager groups a mail's recipients by {@link Route},
 * hands each group to the courier of its transport, and acts on the results: sent recipients are
 * done, bounced ones go into one bounce per message, deferred ones are queued again for a retry.
 *
 * <p>A courier never throws for a delivery problem: it answers every recipient it was given, exactly
 * once, in the order given. Log lines are written by the queue manager from the results, so every
 * courier's lines have the same shape.
 */
public interface Courier {

    /**
     * Delivers one mail to some of its recipients over one route.
     *
     * @return one result per recipient of {@code delivery}, in the same order
     */
    List<RecipientResult> deliver(Delivery delivery);

    /** The service name of this courier's log lines ({@code smtp}, {@code lmtp}, {@code local}...). */
    String service();
}
