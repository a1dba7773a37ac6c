package dev.postern.qmgr;

import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.apache.james.core.MailAddress;
import org.apache.mailet.Mail;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.postern.delivery.Courier;
import dev.postern.delivery.Delivery;
import dev.postern.delivery.RecipientResult;
import dev.postern.delivery.Recipients;
import dev.postern.delivery.route.DeliveryWindows;
import dev.postern.delivery.route.Route;
import dev.postern.delivery.route.Router;
import dev.postern.queue.MailAttributes;
import dev.postern.tables.LookupException;

/**
 * One delivery attempt of one message, as Postfix's qmgr makes it: every recipient gets its route, the
 * recipients are grouped by route (one mail per route, all keeping the queue ID), each group goes to
 * the courier of its transport, and every recipient ends with exactly one logged result.
 *
 * <p>A destination with a delivery window ({@link DeliveryWindows}) that is closed is not tried: its
 * recipients are deferred until the window opens, and the {@link Attempt} says so.
 *
 * <p>Nothing here is allowed to lose a recipient: a route that cannot be looked up, a transport no
 * courier serves and a courier that fails or forgets a recipient all become deferrals.
 */
public final class MessageDelivery {
    private static final Logger LOGGER = LoggerFactory.getLogger(MessageDelivery.class);
    private static final String QMGR = "qmgr";
    private static final String NONE = "none";

    /** The enhanced status code of a recipient whose destination's delivery window is closed. */
    static final String WINDOW_DSN = "4.4.0";
    static final String WINDOW_REASON = "outside delivery window until ";

    private final Router router;
    private final Map<String, Courier> couriers;
    private final DeliveryLog log;
    private final boolean softBounce;
    private final Clock clock;
    private final DeliveryWindows windows;

    /** @param couriers by transport name ({@code smtp}, {@code relay}, {@code lmtp}, {@code local}...) */
    public MessageDelivery(Router router, Map<String, Courier> couriers, DeliveryLog log, boolean softBounce, Clock clock) {
        this(router, couriers, log, softBounce, clock, DeliveryWindows.NONE);
    }

    /** @param windows {@code postern_delivery_windows}: destinations that take mail only at certain times */
    public MessageDelivery(Router router, Map<String, Courier> couriers, DeliveryLog log, boolean softBounce, Clock clock,
                           DeliveryWindows windows) {
        this.router = router;
        this.couriers = Map.copyOf(couriers);
        this.log = log;
        this.softBounce = softBounce;
        this.clock = clock;
        this.windows = windows;
    }

    /**
     * What one attempt came to.
     *
     * @param results one per recipient
     * @param waiting the deferred recipients that were not tried because their destination's delivery window
     *                is closed, with the time it opens: they have not failed
     */
    public record Attempt(List<RecipientResult> results, Map<MailAddress, Instant> waiting) {
        public Attempt {
            results = List.copyOf(results);
            waiting = Map.copyOf(waiting);
        }
    }

    /**
     * Delivers to every recipient of {@code mail} (duplicates once) and returns one result each. A mail
     * with a FILTER decision ({@link MailAttributes#FILTER}) goes, all recipients together, to that
     * {@code transport:destination} instead, as Postfix hands it to the content filter.
     */
    public Attempt deliver(String queueId, Mail mail, Instant start) {
        List<RecipientResult> results = new ArrayList<>();
        Map<MailAddress, Instant> waiting = new LinkedHashMap<>();
        Map<Route, List<MailAddress>> groups = new LinkedHashMap<>();
        Optional<Route> filter = filter(mail);
        for (MailAddress recipient : Recipients.withoutDuplicates(mail.getRecipients())) {
            try {
                Route route = filter.isPresent() ? filter.get() : router.route(recipient, mail.getMaybeSender());
                groups.computeIfAbsent(route, any -> new ArrayList<>()).add(recipient);
            } catch (LookupException | RuntimeException e) {
                LOGGER.warn("{}: cannot route {}: {}", queueId, recipient.asString(), e.getMessage());
                results.add(logged(QMGR, queueId, mail, start,
                    RecipientResult.deferred(recipient, "4.3.0", NONE, "address resolver failure", clock.instant())));
            }
        }
        groups.forEach((route, recipients) -> {
            Optional<Instant> closedUntil = closedUntil(route);
            if (closedUntil.isPresent()) {
                recipients.forEach(recipient -> waiting.put(recipient, closedUntil.get()));
                results.addAll(outsideWindow(queueId, mail, start, recipients, closedUntil.get()));
            } else {
                results.addAll(deliverGroup(queueId, mail, start, route, recipients));
            }
        });
        return new Attempt(results, waiting);
    }

    /** When the route's delivery window opens, if it is closed now. */
    private Optional<Instant> closedUntil(Route route) {
        Instant now = clock.instant();
        return windows.of(route).filter(window -> !window.isOpen(now)).map(window -> window.nextOpening(now));
    }

    /** Recipients whose destination is outside its window are deferred, untried, until it opens (logged as qmgr). */
    private List<RecipientResult> outsideWindow(String queueId, Mail mail, Instant start, List<MailAddress> recipients,
                                                Instant opening) {
        Instant now = clock.instant();
        return recipients.stream()
            .map(recipient -> logged(QMGR, queueId, mail, start,
                RecipientResult.deferred(recipient, WINDOW_DSN, NONE, WINDOW_REASON + opening, now)))
            .toList();
    }

    /** The content filter a FILTER action chose; one without a transport name is ignored, as Postfix does. */
    private static Optional<Route> filter(Mail mail) {
        return mail.getAttribute(MailAttributes.FILTER)
            .map(attribute -> String.valueOf(attribute.getValue().value()))
            .flatMap(MessageDelivery::filterRoute);
    }

    /**
     * Where a FILTER action's {@code transport:destination} sends the mail; empty for one without a
     * transport name, which is ignored. Also how {@code postern explain} shows it.
     */
    public static Optional<Route> filterRoute(String value) {
        Route.Parsed parsed = Route.parse(value);
        return parsed.transport().map(transport -> new Route(transport, parsed.nexthop().orElse("")));
    }

    private List<RecipientResult> deliverGroup(String queueId, Mail mail, Instant start, Route route,
                                               List<MailAddress> recipients) {
        Courier courier = couriers.get(route.transport());
        if (courier == null) {
            LOGGER.warn("{}: no delivery agent for transport {} (route {})", queueId, route.transport(), route);
            return recipients.stream()
                .map(recipient -> logged(QMGR, queueId, mail, start,
                    RecipientResult.deferred(recipient, "4.3.0", NONE, "mail transport unavailable", clock.instant())))
                .toList();
        }
        List<RecipientResult> answered = attempt(courier, new Delivery(queueId, mail, recipients, route, start));
        List<RecipientResult> results = new ArrayList<>();
        for (int i = 0; i < recipients.size(); i++) {
            RecipientResult result = i < answered.size() && answered.get(i).recipient().equals(recipients.get(i))
                ? answered.get(i)
                : RecipientResult.deferred(recipients.get(i), "4.3.0", NONE, "delivery agent gave no result",
                    clock.instant());
            results.add(logged(courier.service(), queueId, mail, start, softBounce ? result.softBounced() : result));
        }
        return results;
    }

    /** A courier that throws defers its recipients rather than take the message down with it. */
    private List<RecipientResult> attempt(Courier courier, Delivery delivery) {
        try {
            return courier.deliver(delivery);
        } catch (RuntimeException e) {
            LOGGER.error("{}: {} delivery agent failed", delivery.queueId(), courier.service(), e);
            String reason = "delivery agent failure: " + (e.getMessage() != null ? e.getMessage() : e.getClass().getSimpleName());
            Instant now = clock.instant();
            return delivery.recipients().stream()
                .map(recipient -> RecipientResult.deferred(recipient, "4.3.0", NONE, reason, now))
                .toList();
        }
    }

    private RecipientResult logged(String service, String queueId, Mail mail, Instant start, RecipientResult result) {
        log.log(service, queueId, mail, start, result);
        return result;
    }
}
