package dev.postern.delivery.local;

import java.time.Instant;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

import org.apache.james.core.MailAddress;

import dev.postern.delivery.RecipientResult;

/**
 * What became of one local destination (a mailbox, a file, a command, a forward), before it is tied
 * to the recipient the queue manager gave: an alias expansion combines several into one.
 */
record LocalOutcome(RecipientResult.Status status, String dsn, String text, Instant connected) {
    static LocalOutcome sent(String text, Instant connected) {
        return new LocalOutcome(RecipientResult.Status.SENT, "2.0.0", text, connected);
    }

    static LocalOutcome deferred(String dsn, String text, Instant connected) {
        return new LocalOutcome(RecipientResult.Status.DEFERRED, dsn, text, connected);
    }

    static LocalOutcome bounced(String dsn, String text, Instant connected) {
        return new LocalOutcome(RecipientResult.Status.BOUNCED, dsn, text, connected);
    }

    RecipientResult of(MailAddress recipient) {
        return new RecipientResult(recipient, status, dsn, "local", text, Optional.empty(), Optional.empty(), connected);
    }

    /** The outcome of several destinations: a deferral wins, then a bounce; sent texts are joined. */
    static LocalOutcome combine(List<LocalOutcome> parts, Instant start) {
        for (RecipientResult.Status status : List.of(RecipientResult.Status.DEFERRED, RecipientResult.Status.BOUNCED)) {
            Optional<LocalOutcome> first = parts.stream().filter(part -> part.status == status).findFirst();
            if (first.isPresent()) {
                return first.get();
            }
        }
        Set<String> texts = new LinkedHashSet<>();
        parts.forEach(part -> texts.add(part.text));
        Instant connected = parts.stream().map(LocalOutcome::connected).min(Instant::compareTo).orElse(start);
        return sent(String.join(", ", texts), connected);
    }
}
