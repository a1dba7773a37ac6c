package dev.postern.address;

import java.util.List;
import java.util.function.Function;

import dev.postern.config.ComponentParameters;
import dev.postern.tables.LookupTable;
import dev.postern.tables.TableSearch;

/**
 * The valid recipients that are not users, for {@code reject_unlisted_recipient}: names in
 * {@code alias_maps} and, when {@code luser_relay} is set, every local name (Postfix's
 * {@code local_recipient_maps} lists {@code $alias_maps}; Postern's local users are James users,
 * and a catch-all makes any name deliverable); addresses in {@code virtual_mailbox_maps}.
 */
public final class RecipientListings implements LocalMailboxes.Listings {
    private final TableSearch aliasMaps;
    private final boolean luserRelay;
    private final TableSearch virtualMailboxMaps;

    public RecipientListings(List<LookupTable> aliasMaps, boolean luserRelay, List<LookupTable> virtualMailboxMaps) {
        this.aliasMaps = new TableSearch("alias_maps", aliasMaps);
        this.luserRelay = luserRelay;
        this.virtualMailboxMaps = new TableSearch("virtual_mailbox_maps", virtualMailboxMaps);
    }

    /**
     * @param aliasTables opens an {@code alias_maps} entry; {@code tables} any other table
     */
    public static RecipientListings from(ComponentParameters parameters, Function<String, LookupTable> aliasTables,
                                         Function<String, LookupTable> tables) {
        return new RecipientListings(parameters.list("alias_maps").stream().map(aliasTables).toList(),
            !parameters.get("luser_relay").isBlank(),
            parameters.list("virtual_mailbox_maps").stream().map(tables).toList());
    }

    @Override
    public boolean localListed(String localPart) throws Exception {
        return luserRelay || aliasMaps.find(localPart).isPresent();
    }

    @Override
    public boolean virtualListed(String address) throws Exception {
        // Both keys are asked of pattern tables too, as local delivery asks them (LocalCourier).
        return virtualMailboxMaps.find(List.of(TableSearch.Key.whole(address),
            TableSearch.Key.whole(address.substring(address.lastIndexOf('@'))))).isPresent();
    }
}
