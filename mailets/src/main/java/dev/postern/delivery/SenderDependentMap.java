package dev.postern.delivery;

import java.util.Locale;
import java.util.Optional;

import org.apache.james.core.MaybeSender;

import dev.postern.tables.LookupException;

/**
 * {@code sender_dependent_relayhost_maps} and {@code sender_dependent_default_transport_maps}: a
 * value looked up by the envelope sender, then by its {@code @domain}; the null sender is looked
 * up as {@code <>}. The value {@code DUNNO} (or an empty one) ends the search without a result,
 * so the global setting applies, as in Postfix.
 */
final class SenderDependentMap {
    static final String NULL_SENDER_KEY = "<>";

    private final TableList tables;

    SenderDependentMap(TableList tables) {
        this.tables = tables;
    }

    String parameter() {
        return tables.parameter();
    }

    /** The value for this sender; empty when no key has one or the first that does says DUNNO. */
    Optional<TableList.Hit> find(MaybeSender sender) throws LookupException {
        if (tables.isEmpty()) {
            return Optional.empty();
        }
        Optional<TableList.Hit> hit;
        if (sender.isNullSender()) {
            hit = tables.find(NULL_SENDER_KEY, true);
        } else {
            hit = tables.find(sender.get().asString(), true);
            if (hit.isEmpty()) {
                hit = tables.find("@" + Domains.of(sender.get()), false);
            }
        }
        return hit.filter(h -> !h.value().isBlank() && !h.value().trim().toUpperCase(Locale.ROOT).equals("DUNNO"));
    }
}
