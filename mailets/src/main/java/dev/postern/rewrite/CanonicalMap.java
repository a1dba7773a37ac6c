package dev.postern.rewrite;

import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

import dev.postern.tables.LookupException;

/**
 * canonical(5) rewriting of one address by one map ({@code cleanup_map11}): one address in,
 * one address out. The result is looked up again, until a lookup finds nothing or gives an
 * address already seen on the way (an address mapped to itself, or a loop, ends there).
 * Extra addresses in a value are ignored: canonical mapping never adds recipients.
 */
public final class CanonicalMap {
    /** Postfix's fixed nesting limit of canonical lookups. */
    static final int MAX_NESTING = 10;

    private final AddressMap map;

    public CanonicalMap(AddressMap map) {
        this.map = map;
    }

    public boolean isEmpty() {
        return map.isEmpty();
    }

    /**
     * @param address internal form
     * @return the rewritten address; the address itself when no table has an entry
     * @throws LookupException when a table fails, or when {@value #MAX_NESTING} lookups in a row
     *                         find an entry (Postfix's "unreasonable nesting")
     */
    public String rewrite(String address) throws LookupException {
        if (map.isEmpty() || address.isEmpty()) {
            return address;
        }
        String current = address;
        Set<String> seen = new HashSet<>();
        seen.add(current.toLowerCase(Locale.ROOT));
        for (int depth = 0; depth < MAX_NESTING; depth++) {
            Optional<List<String>> found = map.map(current);
            if (found.isEmpty()) {
                return current;
            }
            current = found.get().get(0);
            if (!seen.add(current.toLowerCase(Locale.ROOT))) {
                return current;
            }
        }
        throw new LookupException(map.parameter() + ": unreasonable nesting for " + address
            + " (" + MAX_NESTING + " rewrites in a row)");
    }
}
