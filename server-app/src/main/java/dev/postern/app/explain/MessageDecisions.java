package dev.postern.app.explain;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import dev.postern.restrictions.Verdict;

/**
 * The access-table actions that act on the whole message, gathered from the commands the server
 * would accept, as the SMTP hooks record them on the transaction: DISCARD and HOLD (the message is
 * dropped or held), REDIRECT (the last one replaces every recipient), BCC (each adds one) and
 * FILTER (the last one names the content filter).
 */
final class MessageDecisions {
    private Optional<String> discard = Optional.empty();
    private Optional<String> hold = Optional.empty();
    private Optional<String> redirect = Optional.empty();
    private Optional<String> filter = Optional.empty();
    private final List<String> bcc = new ArrayList<>();

    /** Records the actions of an accepted command. */
    void record(Verdict verdict) {
        for (Verdict.Action action : verdict.actions()) {
            switch (action.type()) {
                case DISCARD -> discard = Optional.of(action.text());
                case HOLD -> hold = Optional.of(action.text());
                case REDIRECT -> redirect = Optional.of(action.text());
                case FILTER -> filter = Optional.of(action.text());
                case BCC -> bcc.add(action.text());
                default -> {
                    // WARN, INFO, PREPEND and warnings do not change where the message goes
                }
            }
        }
    }

    Optional<String> discard() {
        return discard;
    }

    Optional<String> hold() {
        return hold;
    }

    Optional<String> redirect() {
        return redirect;
    }

    Optional<String> filter() {
        return filter;
    }

    List<String> bcc() {
        return List.copyOf(bcc);
    }
}
