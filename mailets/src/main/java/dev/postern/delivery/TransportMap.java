package dev.postern.delivery;

import java.util.Optional;

import dev.postern.address.RecipientDelimiter;
import dev.postern.tables.LookupException;

/**
 * {@code transport_maps} (transport(5)): the entry for one recipient, searched in Postfix's order
 * {@code user+ext@domain}, {@code user@domain} (the extension split off at
 * {@code recipient_delimiter}), {@code domain}, its parent domains written with a leading dot
 * ({@code .example.com}, then {@code .com}: transport_maps is not in
 * {@code parent_domain_matches_subdomains}, so a plain {@code example.com} covers only itself),
 * and last the {@code *} wildcard. Pattern tables are asked once, with the whole address.
 */
final class TransportMap {
    static final String PARAMETER = "transport_maps";

    private final TableList tables;
    private final String recipientDelimiter;

    TransportMap(TableList tables, String recipientDelimiter) {
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
        Optional<TableList.Hit> hit = tables.find(localPart + "@" + domain, true);
        if (hit.isEmpty()) {
            Optional<String> base = RecipientDelimiter.base(localPart, recipientDelimiter);
            if (base.isPresent()) {
                hit = tables.find(base.get() + "@" + domain, false);
            }
        }
        if (hit.isEmpty()) {
            hit = tables.find(domain, false);
        }
        // An address literal has no parent domains.
        for (int dot = domain.indexOf('.', 1); hit.isEmpty() && dot > 0 && !domain.startsWith("[");
                dot = domain.indexOf('.', dot + 1)) {
            hit = tables.find(domain.substring(dot), false);
        }
        if (hit.isEmpty()) {
            hit = tables.find("*", false);
        }
        return hit.map(h -> Route.parse(h.value()));
    }
}
