package dev.postern.app.queue;

import java.time.Instant;
import java.util.Optional;

/**
 * One queued mail as the queue keeps it: its id ({@code id}), the content it
 * refers to (none for a mail that has no message), the mail's fields, and the queue's own bookkeeping.
 *
 * @param attempts how many times the mail was handed out and given back with {@code RETRY}
 */
record Envelope(String id,
                Optional<String> contentId,
                MailSnapshot mail,
                Instant enqueuedAt,
                Instant nextDelivery,
                int attempts) {

    Envelope withAnotherAttempt() {
        return new Envelope(id, contentId, mail, enqueuedAt, nextDelivery, attempts + 1);
    }

    Envelope withNextDelivery(Instant instant) {
        return new Envelope(id, contentId, mail, enqueuedAt, instant, attempts);
    }

    boolean isDueAt(Instant now) {
        return !nextDelivery.isAfter(now);
    }
}
