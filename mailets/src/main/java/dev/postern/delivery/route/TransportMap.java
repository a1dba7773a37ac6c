package dev.postern.delivery.route;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import dev.postern.address.ParentStyle;
import dev.postern.address.RecipientDelimiter;
import dev.postern.tables.LookupException;
import dev.postern.tables.TableSearch;

/**
 * {@code transport_maps} (transport(5)): the entry for one recipient, searched in Postfix's order
 * {@code user+ext@domain}, {@code user@domain} (the extension split off at
 * {@code recipient_delimiter}), {@code domain}, its parent domains written with a leading dot
 * ({@code .example.com}, then {@code .com}: transport_maps is not in
 * {@code parent_domain_matches_subdomains}, so a plain {@code example.com} covers only itself),
 * and last the {@code *} wildcard, each key in every table before the next ({@link TableSearch}).
 * Pattern tables are asked once, with the whole address.
 */
final class TransportMap {
    static final String PARAMETER = "transport_maps";

    private final TableSearch tables;
    private final String recipientDelimiter;

    TransportMap(TableSearch tables, String recipientDelimiter) {
        this.tables = tables;
        this.recipientDelimiter = recipientDelimiter;
    }

    /**
     * @param localPart the recipient's local part, as written
     * @param domain    the recipient's domain, lower case ({@code [address]} for a literal)
     * @return the entry's value taken apart, when some key has one
     * @throws LookupException when a table could not be searched: the route is then unknown
     */
    Optional<Route.Parsed> find(String localPart, String domain) throws LookupException {
        if (tables.isEmpty()) {
            return Optional.empty();
        }
        return tables.find(keys(localPart, domain)).map(hit -> Route.parse(hit.value()));
    }

    private List<TableSearch.Key> keys(String localPart, String domain) {
        List<TableSearch.Key> keys = new ArrayList<>();
        keys.add(TableSearch.Key.whole(localPart + "@" + domain));
        RecipientDelimiter.base(localPart, recipientDelimiter).ifPresent(base -> keys.add(TableSearch.Key.part(base + "@" + domain)));
        keys.add(TableSearch.Key.part(domain));
        // An address literal has no parent domains.
        if (!domain.startsWith("[")) {
            ParentStyle.DOT_MATCHES_SUBDOMAINS.parents(domain).forEach(parent -> keys.add(TableSearch.Key.part(parent)));
        }
        keys.add(TableSearch.Key.part("*"));
        return keys;
    }
}
