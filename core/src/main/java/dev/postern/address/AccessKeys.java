package dev.postern.address;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

import dev.postern.tables.LookupException;
import dev.postern.tables.TableSearch;
import dev.postern.tables.TableSearch.Key;

/**
 * The keys an access(5) table is searched with, in Postfix's order, and the search itself.
 * The first key a table has an entry for wins; a {@code DUNNO} entry ends the search as if
 * nothing had been found, so a specific {@code DUNNO} can exempt an address from a broader
 * entry further down. Tables that match patterns (regexp, pcre, cidr) are asked only the
 * {@linkplain Key#whole() whole} keys: the address, the host name, the client address.
 */
public final class AccessKeys {
    /** Postfix's {@code smtpd_null_access_lookup_key}. */
    public static final String NULL_SENDER_KEY = "<>";
    private static final String DUNNO = "DUNNO";

    private final List<Key> keys;

    private AccessKeys(List<Key> keys) {
        this.keys = List.copyOf(keys);
    }

    /**
     * Sender and recipient lookups ({@code check_sender_access}, {@code check_recipient_access}):
     * {@code user+ext@domain}, {@code user@domain}, {@code domain} and its parents,
     * {@code user+ext@}, {@code user@}; the null sender is only {@code <>}. The address is
     * case-folded first, as smtpd does with the resolved address.
     *
     * @param address            a resolved address (internal form)
     * @param recipientDelimiter {@code recipient_delimiter}: the characters that start an extension; empty for none
     */
    public static AccessKeys forAddress(ResolvedAddress address, String recipientDelimiter, ParentStyle style) {
        return forAddress(address.address(), recipientDelimiter, style);
    }

    /** As {@link #forAddress(ResolvedAddress, String, ParentStyle)}, for an internal-form address ({@code ""} = null sender). */
    public static AccessKeys forAddress(String address, String recipientDelimiter, ParentStyle style) {
        if (address.isEmpty()) {
            return new AccessKeys(List.of(new Key(NULL_SENDER_KEY, true)));
        }
        String folded = address.toLowerCase(Locale.ROOT);
        int at = folded.lastIndexOf('@');
        String local = at < 0 ? folded : folded.substring(0, at);
        String domain = at < 0 ? "" : folded.substring(at + 1);
        Optional<String> base = RecipientDelimiter.base(local, recipientDelimiter);
        List<Key> keys = new ArrayList<>();
        keys.add(new Key(folded, true));
        if (at < 0) {
            return new AccessKeys(keys);
        }
        base.ifPresent(b -> keys.add(new Key(b + "@" + domain, false)));
        if (!domain.isEmpty()) {
            keys.add(new Key(domain, false));
            if (!domain.startsWith("[")) {
                for (String parent : style.parents(domain)) {
                    keys.add(new Key(parent, false));
                }
            }
        }
        keys.add(new Key(local + "@", false));
        base.ifPresent(b -> keys.add(new Key(b + "@", false)));
        return new AccessKeys(keys);
    }

    /**
     * Client lookups ({@code check_client_access}): the host name and its parent domains, then
     * the address and its shorter forms ({@code 1.2.3.4}, {@code 1.2.3}, {@code 1.2}, {@code 1};
     * IPv6 in compressed form, cut at each last {@code :}). A client without a name has the
     * name {@code unknown}, and that is looked up too, as Postfix does.
     */
    public static AccessKeys forClient(String hostname, String address, ParentStyle style) {
        List<Key> keys = new ArrayList<>(domainKeys(hostname, style));
        keys.addAll(addressKeys(address));
        return new AccessKeys(keys);
    }

    /** Postfix's {@code check_addr_access}: the address and its shorter forms only (MX/NS/A server checks). */
    public static AccessKeys forHostAddress(String address) {
        return new AccessKeys(addressKeys(address));
    }

    private static List<Key> addressKeys(String address) {
        List<Key> keys = new ArrayList<>();
        String ip = HostSyntax.canonicalAddress(address);
        char delimiter = ip.indexOf(':') >= 0 ? ':' : '.';
        keys.add(new Key(ip, true));
        for (int cut = ip.lastIndexOf(delimiter); cut > 0; cut = ip.lastIndexOf(delimiter, cut - 1)) {
            keys.add(new Key(ip.substring(0, cut), false));
        }
        return keys;
    }

    /** HELO/EHLO lookups ({@code check_helo_access}): the name, then its parent domains. */
    public static AccessKeys forHelo(String name, ParentStyle style) {
        return new AccessKeys(domainKeys(name, style));
    }

    /** Postfix's {@code check_domain_access}: case-folded; a numeric name gets no parents. */
    private static List<Key> domainKeys(String name, ParentStyle style) {
        String folded = name.toLowerCase(Locale.ROOT);
        List<Key> keys = new ArrayList<>();
        if (folded.isEmpty()) {
            return keys;
        }
        keys.add(new Key(folded, true));
        if (!HostSyntax.isValidHostAddress(folded)) {
            for (String parent : style.parents(folded)) {
                keys.add(new Key(parent, false));
            }
        }
        return keys;
    }

    public List<Key> keys() {
        return keys;
    }

    /** The key texts, in order. */
    public List<String> texts() {
        return keys.stream().map(Key::text).toList();
    }

    /**
     * Searches the tables as Postfix searches a list of maps ({@link TableSearch}): for each key in
     * turn, each table in turn.
     *
     * @return the first entry found, or empty when there is none or the first found is {@code DUNNO}
     * @throws LookupException when a table fails: never read as "not found"
     */
    public Optional<TableSearch.Hit> walk(TableSearch tables) throws LookupException {
        return find(tables).filter(hit -> !isDunno(hit.value()));
    }

    /**
     * As {@link #walk}, but reports a {@code DUNNO} entry too: the MX/NS/A server checks stop at
     * the first entry found, whatever it says.
     */
    public Optional<TableSearch.Hit> find(TableSearch tables) throws LookupException {
        return tables.find(keys);
    }

    /** {@code DUNNO}, in any case, possibly followed by text. */
    static boolean isDunno(String value) {
        String trimmed = value.trim();
        int end = 0;
        while (end < trimmed.length() && !Character.isWhitespace(trimmed.charAt(end))) {
            end++;
        }
        return trimmed.substring(0, end).equalsIgnoreCase(DUNNO);
    }

    @Override
    public String toString() {
        return texts().toString();
    }
}
