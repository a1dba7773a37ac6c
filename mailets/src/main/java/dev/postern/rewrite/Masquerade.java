package dev.postern.rewrite;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import dev.postern.address.DomainMatchList;
import dev.postern.tables.LookupException;

/**
 * Postfix's {@code masquerade_domains}: {@code user@host.sub.example.com} becomes
 * {@code user@example.com} when {@code example.com} is listed. Items are tried left to right
 * and the first that is the address's domain or a parent of it decides: a parent rewrites the
 * domain to it, the domain itself or a {@code !domain} item leaves the address alone (so
 * {@code !sub.example.com, example.com} keeps {@code sub.example.com} addresses as they are).
 * Local parts listed in {@code masquerade_exceptions} are never masqueraded.
 */
public final class Masquerade {
    private record Item(String domain, boolean excluded) {
    }

    private final List<Item> items;
    private final DomainMatchList exceptions;

    /**
     * @param domains    the items of {@code masquerade_domains}
     * @param exceptions {@code masquerade_exceptions}, matched against the lower-cased local part
     */
    public Masquerade(List<String> domains, DomainMatchList exceptions) {
        List<Item> parsed = new ArrayList<>();
        for (String raw : domains) {
            String item = raw.trim().toLowerCase(Locale.ROOT);
            boolean excluded = item.startsWith("!");
            String domain = excluded ? item.substring(1) : item;
            if (!domain.isEmpty()) {
                parsed.add(new Item(domain, excluded));
            }
        }
        this.items = List.copyOf(parsed);
        this.exceptions = exceptions;
    }

    public boolean isEmpty() {
        return items.isEmpty();
    }

    /**
     * @param address internal form
     * @return the masqueraded address, or the address itself
     * @throws LookupException when a table of {@code masquerade_exceptions} fails
     */
    public String rewrite(String address) throws LookupException {
        int at = address.lastIndexOf('@');
        if (items.isEmpty() || at < 0) {
            return address;
        }
        String local = address.substring(0, at);
        String domain = address.substring(at + 1).toLowerCase(Locale.ROOT);
        if (domain.isEmpty() || (!exceptions.isEmpty() && exceptions.matches(local.toLowerCase(Locale.ROOT)))) {
            return address;
        }
        for (Item item : items) {
            if (domain.equals(item.domain())) {
                return address;
            }
            if (domain.endsWith("." + item.domain())) {
                return item.excluded() ? address : local + "@" + item.domain();
            }
        }
        return address;
    }
}
