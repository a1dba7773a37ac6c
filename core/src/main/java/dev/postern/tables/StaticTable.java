package dev.postern.tables;

import java.util.Optional;

/** {@code static:value} or {@code static:{text with spaces}}: every query finds the value. */
final class StaticTable implements LookupTable {
    private final String name;
    private final Optional<String> value;

    StaticTable(String name, String spec) {
        this.name = name;
        String inside = BraceList.inside(spec);
        this.value = Optional.of(inside == null ? spec : LogicalLines.trim(inside));
    }

    @Override
    public Optional<String> lookup(String key) {
        return value;
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public boolean isPattern() {
        return false;
    }
}
