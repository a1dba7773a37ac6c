package dev.postern.tables;

import java.util.List;
import java.util.Optional;

/**
 * {@code pipemap:{t1:n1, t2:n2, ...}}: the key is looked up in the first table, its value in the
 * second, and so on; the last value is the result. A miss anywhere is "not found"; a failure
 * anywhere fails the lookup.
 */
final class PipeTable implements LookupTable {
    private final String name;
    private final List<LookupTable> tables;
    private final boolean pattern;

    PipeTable(String name, List<LookupTable> tables) {
        this.name = name;
        this.tables = List.copyOf(tables);
        this.pattern = tables.stream().anyMatch(LookupTable::isPattern);
    }

    @Override
    public Optional<String> lookup(String key) throws LookupException {
        String current = key;
        for (LookupTable table : tables) {
            Optional<String> value = table.lookup(current);
            if (value.isEmpty()) {
                return Optional.empty();
            }
            current = value.get();
        }
        return Optional.of(current);
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
