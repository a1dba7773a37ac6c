package dev.postern.restrictions;

import java.util.Objects;
import java.util.Optional;
import java.util.function.Function;

import dev.postern.address.AddressClass;
import dev.postern.address.AddressClassifier;
import dev.postern.address.AddressMapLookup;
import dev.postern.address.ResolvedAddress;
import dev.postern.config.PostfixList;
import dev.postern.tables.LookupException;
import dev.postern.tables.LookupTable;
import dev.postern.tables.TableSearch;

/**
 * Postfix's {@code check_rcpt_maps}, behind {@code reject_unlisted_recipient} and
 * {@code reject_unlisted_sender}: which table an address is missing from, by its address class.
 * <ul>
 * <li>An address that {@code recipient_canonical_maps} (for a sender, {@code sender_canonical_maps}),
 *     {@code canonical_maps} or {@code virtual_alias_maps} has an entry for is known, whatever its
 *     class: cleanup will rewrite it. The maps are searched in cleanup's order
 *     ({@link AddressMapLookup}).</li>
 * <li>Virtual alias class ({@code virtual_alias_domains}): anything else is missing from the
 *     {@code virtual alias table}.</li>
 * <li>Relay class ({@code relay_domains}): when {@code relay_recipient_maps} is set, an address
 *     it does not list is missing from the {@code relay recipient table}.</li>
 * <li>Local and virtual mailbox classes: the users store answers ({@code mailboxes}).</li>
 * </ul>
 * A failed lookup is a {@link LookupException}, never "unknown".
 */
public final class UnlistedRecipients implements UnlistedAddresses {
    private final UnlistedAddresses mailboxes;
    private final AddressClassifier classifier;
    private final AddressMapLookup lookup;
    private final TableSearch senderCanonical;
    private final TableSearch recipientCanonical;
    private final TableSearch canonical;
    private final TableSearch virtualAlias;
    private final TableSearch relayRecipients;

    private UnlistedRecipients(UnlistedAddresses mailboxes, AddressClassifier classifier, AddressMapLookup lookup,
            TableSearch senderCanonical, TableSearch recipientCanonical, TableSearch canonical,
            TableSearch virtualAlias, TableSearch relayRecipients) {
        this.mailboxes = mailboxes;
        this.classifier = classifier;
        this.lookup = lookup;
        this.senderCanonical = senderCanonical;
        this.recipientCanonical = recipientCanonical;
        this.canonical = canonical;
        this.virtualAlias = virtualAlias;
        this.relayRecipients = relayRecipients;
    }

    /**
     * @param value     the effective value of a parameter by its Postfix name
     * @param tables    opens a {@code type:name} table
     * @param mailboxes who the local and virtual mailbox classes know (the users store)
     */
    public static UnlistedRecipients fromParameters(Function<String, String> value, Function<String, LookupTable> tables,
            AddressClassifier classifier, UnlistedAddresses mailboxes) {
        Function<String, String> orEmpty = name -> Objects.requireNonNullElse(value.apply(name), "");
        AddressMapLookup lookup = new AddressMapLookup(orEmpty.apply("recipient_delimiter"), orEmpty.apply("myorigin"),
            classifier::isLocal);
        Function<String, TableSearch> maps = name -> TableSearch.open(name, PostfixList.split(orEmpty.apply(name)), tables);
        return new UnlistedRecipients(mailboxes, classifier, lookup, maps.apply("sender_canonical_maps"),
            maps.apply("recipient_canonical_maps"), maps.apply("canonical_maps"), maps.apply("virtual_alias_maps"),
            maps.apply("relay_recipient_maps"));
    }

    @Override
    public Optional<String> missingFrom(ResolvedAddress address) throws LookupException {
        return missingFrom(address, false);
    }

    @Override
    public Optional<String> missingFrom(ResolvedAddress address, boolean sender) throws LookupException {
        if (address.address().isEmpty()) {
            return Optional.empty();
        }
        AddressClass addressClass = classifier.classify(address.domain());
        if (addressClass == AddressClass.DEFAULT || (addressClass == AddressClass.RELAY && relayRecipients.isEmpty())) {
            return Optional.empty(); // nothing could be missing: spare the lookups
        }
        String key = address.address();
        if ((!sender && isListed(recipientCanonical, key)) || (sender && isListed(senderCanonical, key))
                || isListed(canonical, key) || isListed(virtualAlias, key)) {
            return Optional.empty();
        }
        if (addressClass == AddressClass.VIRTUAL_ALIAS) {
            return Optional.of("virtual alias table");
        }
        if (addressClass == AddressClass.RELAY) {
            return isListed(relayRecipients, key) ? Optional.empty() : Optional.of("relay recipient table");
        }
        return mailboxes.missingFrom(address, sender);
    }

    private boolean isListed(TableSearch tables, String address) throws LookupException {
        return !tables.isEmpty() && lookup.find(tables, address).isPresent();
    }
}
