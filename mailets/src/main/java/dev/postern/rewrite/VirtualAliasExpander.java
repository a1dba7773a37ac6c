package dev.postern.rewrite;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

import dev.postern.tables.LookupException;

/**
 * Postfix's virtual alias expansion of one recipient ({@code cleanup_map1n}): the value of a
 * {@code virtual_alias_maps} entry is a comma list, each address of which is looked up again,
 * in place, until no table has an entry for it. An address whose expansion includes itself is
 * kept and not looked up again. Expanding one address more than
 * {@code virtual_alias_recursion_limit} times deep, or into more than
 * {@code virtual_alias_expansion_limit} addresses, is an error, as is a failed lookup: the
 * message must then wait and be expanded again later, never be delivered half-expanded.
 */
public final class VirtualAliasExpander {
    private final AddressMap map;
    private final long recursionLimit;
    private final long expansionLimit;

    /** Expansion stopped: a limit was exceeded or a table failed. The message says which and where. */
    public static final class ExpansionException extends Exception {
        public ExpansionException(String message, Throwable cause) {
            super(message, cause);
        }
    }

    public VirtualAliasExpander(AddressMap map, long recursionLimit, long expansionLimit) {
        this.map = map;
        this.recursionLimit = recursionLimit;
        this.expansionLimit = expansionLimit;
    }

    public boolean isEmpty() {
        return map.isEmpty();
    }

    /**
     * @param address internal form
     * @return the final addresses, in order, without duplicates (compared ignoring case); the
     *         address itself when no table has an entry for it
     */
    public List<String> expand(String address) throws ExpansionException {
        List<String> expansion = new ArrayList<>();
        expansion.add(address);
        // addresses that expanded into themselves: final, never looked up again
        Set<String> selfExpanded = new HashSet<>();
        for (int index = 0; index < expansion.size(); index++) {
            if (expansion.size() > expansionLimit) {
                throw new ExpansionException(map.parameter() + ": unreasonable expansion size for " + address
                    + " (more than virtual_alias_expansion_limit = " + expansionLimit + " addresses)", null);
            }
            for (int depth = 0; ; depth++) {
                String current = expansion.get(index);
                if (selfExpanded.contains(fold(current))) {
                    break;
                }
                if (depth >= recursionLimit) {
                    throw new ExpansionException(map.parameter() + ": unreasonable nesting for " + address
                        + " (deeper than virtual_alias_recursion_limit = " + recursionLimit + ")", null);
                }
                Optional<List<String>> results;
                try {
                    results = map.map(current);
                } catch (LookupException e) {
                    throw new ExpansionException(e.getMessage(), e);
                }
                if (results.isEmpty()) {
                    break;
                }
                List<String> found = results.get();
                expansion.set(index, found.get(0));
                expansion.addAll(found.subList(1, found.size()));
                for (String result : found) {
                    if (fold(result).equals(fold(current))) {
                        selfExpanded.add(fold(current));
                    }
                }
            }
        }
        return distinct(expansion);
    }

    private static List<String> distinct(List<String> addresses) {
        Set<String> seen = new HashSet<>();
        List<String> unique = new ArrayList<>(addresses.size());
        for (String address : addresses) {
            if (seen.add(fold(address))) {
                unique.add(address);
            }
        }
        return unique;
    }

    private static String fold(String address) {
        return address.toLowerCase(Locale.ROOT);
    }
}
