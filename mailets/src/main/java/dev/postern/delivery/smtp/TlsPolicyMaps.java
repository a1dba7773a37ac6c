package dev.postern.delivery.smtp;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

import dev.postern.tables.LookupException;
import dev.postern.tables.TableSearch;

/**
 * {@code smtp_tls_policy_maps}: the TLS policy of a next hop, looked up as Postfix does it. A
 * next hop written {@code [host]} or {@code [host]:port} is looked up as written; a domain
 * ({@code example.com}, or {@code example.com:port}) as written, then as its parent domains in
 * the {@code .parent} form ({@code .example.com} covers every subdomain of example.com, not
 * example.com itself). No entry: main.cf's smtp_tls_security_level and its defaults.
 *
 * <p>{@link #effectivePolicy} is the one place a connection's policy comes from: MTA-STS and DANE
 * decide there when they raise a destination's level.
 */
final class TlsPolicyMaps {
    private final TableSearch tables;
    private final TlsSettings settings;

    TlsPolicyMaps(TableSearch tables, TlsSettings settings) {
        this.tables = tables;
        this.settings = settings;
    }

    /**
     * The policy for connections to the servers of {@code hop}.
     *
     * @throws LookupException when a table fails (the mail waits: never "no entry")
     * @throws IllegalArgumentException when the entry found is not a valid policy, naming it
     */
    TlsPolicy effectivePolicy(NextHop hop) throws LookupException {
        return lookup(hop).orElseGet(settings::defaultPolicy);
    }

    /** The policy of the table entry for {@code hop}, when there is one. */
    Optional<TlsPolicy> lookup(NextHop hop) throws LookupException {
        if (tables.isEmpty()) {
            return Optional.empty();
        }
        List<String> keys = keys(hop);
        Optional<TableSearch.Hit> hit = tables.find(keys.stream().map(TableSearch.Key::whole).toList());
        if (hit.isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(TlsPolicy.parse(hit.get().value(), hit.get().where(tables.parameter()), settings::defaultPolicy));
    }

    static List<String> keys(NextHop hop) {
        List<String> keys = new ArrayList<>();
        String written = hop.written().toLowerCase(Locale.ROOT);
        keys.add(written);
        if (!hop.mxLookup()) {
            return keys;
        }
        if (!written.equals(hop.host())) {
            keys.add(hop.host());
        }
        String domain = hop.host();
        for (int dot = domain.indexOf('.'); dot >= 0; dot = domain.indexOf('.', dot + 1)) {
            keys.add(domain.substring(dot));
        }
        return keys;
    }
}
