package dev.postern.delivery.route;

import java.util.List;
import java.util.Locale;
import java.util.Optional;

import org.apache.james.core.MaybeSender;

import dev.postern.tables.LookupException;
import dev.postern.tables.TableSearch;

/**
 * {@code sender_dependent_relayhost_maps} and {@code sender_dependent_default_transport_maps}: a
 * value looked up by the envelope sender, then by its {@code @domain}; the null sender is looked
 * up as {@code <>}. The value {@code DUNNO} (or an empty one) ends the search without a result,
 * so the global setting applies, as in Postfix.
 */
final class SenderDependentMap {
    static final String NULL_SENDER_KEY = "<>";

    private final TableSearch tables;

    SenderDependentMap(TableSearch tables) {
        this.tables = tables;
    }

    String parameter() {
        return tables.parameter();
    }

    /** The value for this sender; empty when no key has one or the first that does says DUNNO. */
    Optional<TableSearch.Hit> find(MaybeSender sender) throws LookupException {
        if (tables.isEmpty()) {
            return Optional.empty();
        }
        List<TableSearch.Key> keys = sender.isNullSender()
            ? List.of(TableSearch.Key.whole(NULL_SENDER_KEY))
            : List.of(TableSearch.Key.whole(sender.get().asString()), TableSearch.Key.part("@" + Domains.of(sender.get())));
        return tables.find(keys)
            .filter(h -> !h.value().isBlank() && !h.value().trim().toUpperCase(Locale.ROOT).equals("DUNNO"));
    }
}
