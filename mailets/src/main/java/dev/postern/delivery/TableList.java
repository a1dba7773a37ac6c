package dev.postern.delivery;

import java.util.List;
import java.util.Optional;
import java.util.function.Function;

import dev.postern.tables.LookupException;
import dev.postern.tables.LookupTable;

/**
 * The tables of one list parameter ({@code transport_maps = texthash:a, regexp:b}), searched as
 * Postfix's {@code maps_find} does: for one key, each table in the order written, and the first
 * that has the key answers. Pattern tables (regexp, pcre, cidr) answer only queries with the
 * whole address: a partial key such as {@code @domain} or {@code .parent} would match patterns
 * written for addresses.
 */
final class TableList {
    private final String parameter;
    private final List<LookupTable> tables;

    private TableList(String parameter, List<LookupTable> tables) {
        this.parameter = parameter;
        this.tables = List.copyOf(tables);
    }

    /** Opens every {@code type:name} of the parameter's value once, now. */
    static TableList open(String parameter, List<String> names, Function<String, LookupTable> opener) {
        return new TableList(parameter, names.stream().map(opener).toList());
    }

    boolean isEmpty() {
        return tables.isEmpty();
    }

    String parameter() {
        return parameter;
    }

    /**
     * @param wholeAddress whether {@code key} is the whole address (pattern tables are asked too)
     * @return the value and the table it came from
     * @throws LookupException naming the parameter and the table that failed
     */
    Optional<Hit> find(String key, boolean wholeAddress) throws LookupException {
        for (LookupTable table : tables) {
            if (!wholeAddress && table.isPattern()) {
                continue;
            }
            Optional<String> value;
            try {
                value = table.lookup(key);
            } catch (LookupException e) {
                throw new LookupException(parameter + ": " + table.name() + ": lookup of \"" + key + "\" failed: "
                    + e.getMessage(), e);
            }
            if (value.isPresent()) {
                return Optional.of(new Hit(table.name(), key, value.get()));
            }
        }
        return Optional.empty();
    }

    /** A value found, with where it was found for messages. */
    record Hit(String table, String key, String value) {
        String where(String parameter) {
            return parameter + ": " + table + ": \"" + key + "\"";
        }
    }
}
