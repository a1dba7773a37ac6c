package dev.postern.address;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

import dev.postern.tables.LookupException;
import dev.postern.tables.TableSearch;

/**
 * The order in which Postfix's cleanup searches {@code canonical_maps}, {@code virtual_alias_maps},
 * the bcc maps and smtpd's "known recipient" checks search them ({@code mail_addr_find}):
 * {@code user+ext@domain}, {@code user@domain}, then {@code user+ext} and {@code user} only when
 * the domain is {@code $myorigin}, a {@code mydestination} domain or one of this server's own
 * {@code [address]} literals, then {@code @domain}. For each key every table is asked in turn
 * ({@link TableSearch}), as Postfix searches a list of maps. Tables that match patterns (regexp, pcre) are asked the
 * whole address only: the other keys are parts of it.
 *
 * <p>Unlike access(5) there is no {@code DUNNO} and no parent-domain walk.
 */
public final class AddressMapLookup {
    private final String recipientDelimiter;
    private final String myorigin;
    private final AddressResolver.DomainTest isLocal;

    /**
     * One search result.
     *
     * @param key       the key that matched
     * @param value     the table's value, as written
     * @param extension the address extension with its delimiter ({@code +ext}) when the match was
     *                  found only without it (Postfix's "unmatched extension"), else empty
     */
    public record Found(String key, String value, String extension) {
        /** Whether the key was {@code @domain}: the value then replaces only the domain part. */
        public boolean atDomain() {
            return key.startsWith("@");
        }
    }

    /**
     * @param recipientDelimiter {@code recipient_delimiter}: the characters that start an extension
     * @param myorigin           {@code $myorigin}
     * @param isLocal            the local class ({@link AddressClassifier#isLocal}): {@code mydestination}
     *                           and the server's own address literals
     */
    public AddressMapLookup(String recipientDelimiter, String myorigin, AddressResolver.DomainTest isLocal) {
        this.recipientDelimiter = recipientDelimiter == null ? "" : recipientDelimiter;
        this.myorigin = myorigin.trim().toLowerCase(Locale.ROOT);
        this.isLocal = isLocal;
    }

    /** The keys for an address, in order, and whether each is the whole address (asked of pattern tables too). */
    public record Key(String text, boolean whole, String extension) {
    }

    /**
     * @param address an address in internal form ({@code local@domain}, the local part unquoted)
     * @throws LookupException when a table fails, or when deciding whether the domain is local does
     */
    public List<Key> keys(String address) throws LookupException {
        List<Key> keys = new ArrayList<>();
        if (address.isEmpty()) {
            return keys;
        }
        int at = address.lastIndexOf('@');
        String local = at < 0 ? address : address.substring(0, at);
        String domain = at < 0 ? "" : address.substring(at + 1);
        Optional<RecipientDelimiter.Split> split = RecipientDelimiter.split(local, recipientDelimiter);
        String extension = split.map(s -> s.delimiter() + s.extension()).orElse("");
        keys.add(new Key(address, true, ""));
        split.ifPresent(s -> keys.add(new Key(s.base() + (at < 0 ? "" : "@" + domain), false, extension)));
        if (at < 0) {
            return keys;
        }
        if (isLocalDomain(domain)) {
            keys.add(new Key(local, false, ""));
            split.ifPresent(s -> keys.add(new Key(s.base(), false, extension)));
        }
        if (!domain.isEmpty()) {
            keys.add(new Key("@" + domain, false, ""));
        }
        return keys;
    }

    private boolean isLocalDomain(String domain) throws LookupException {
        String folded = domain.toLowerCase(Locale.ROOT);
        if (folded.isEmpty()) {
            return false;
        }
        return folded.equals(myorigin) || isLocal.test(folded.endsWith(".") ? folded.substring(0, folded.length() - 1) : folded);
    }

    /**
     * Searches the tables of one parameter, key by key ({@link TableSearch}).
     *
     * @return the first entry found, empty when none has one
     * @throws LookupException when a table fails before an entry is found: never read as "not found"
     */
    public Optional<Found> find(TableSearch maps, String address) throws LookupException {
        if (maps.isEmpty()) {
            return Optional.empty();
        }
        List<Key> keys = keys(address);
        Optional<TableSearch.Hit> hit = maps.find(keys.stream().map(k -> new TableSearch.Key(k.text(), k.whole())).toList());
        return hit.map(h -> new Found(h.key().text(), h.value(), keys.get(h.index()).extension()));
    }
}
