package dev.postern.tables;

import java.util.List;
import java.util.Optional;

/**
 * {@code unionmap:{t1:n1, t2:n2, ...}}: queries every table and joins the values found with
 * commas, in table order; not found when no table has the key. A failure of any table fails the
 * lookup.
 */
final class UnionTable implements LookupTable {
    private final String name;
    private final List<LookupTable> tables;
    private final boolean pattern;

    UnionTable(String name, List<LookupTable> tables) {
        this.name = name;
        this.tables = List.copyOf(tables);
        this.pattern = tables.stream().anyMatch(LookupTable::isPattern);
    }

    @Override
    public Optional<String> lookup(String key) throws LookupException {
        StringBuilder joined = null;
        for (LookupTable table : tables) {
            Optional<String> value = table.lookup(key);
            if (value.isPresent()) {
                if (joined == null) {
                    joined = new StringBuilder(value.get());
                } else {
                    joined.append(',').append(value.get());
                }
            }
        }
        return joined == null ? Optional.empty() : Optional.of(joined.toString());
    }

    @Override
    public String name() {
        return name;
    }

    /** True when any member is a pattern table, as Postfix propagates the flag. */
    @Override
    public boolean isPattern() {
        return pattern;
    }
}
