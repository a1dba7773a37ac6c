package dev.postern.address;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

import dev.postern.tables.LookupException;
import dev.postern.tables.LookupTable;

/** An in-memory table that records its queries; a fixed-key table folds keys to lower case. */
final class FakeTable implements LookupTable {
    private final String name;
    private final boolean pattern;
    private final Map<String, String> entries = new LinkedHashMap<>();
    private final List<String> queries = new ArrayList<>();
    private String failingKey;

    private FakeTable(String name, boolean pattern) {
        this.name = name;
        this.pattern = pattern;
    }

    static FakeTable fixed(String... keysAndValues) {
        return new FakeTable("texthash:fake", false).with(keysAndValues);
    }

    /** A "pattern" table: exact keys too, but it says it matches patterns, so it gets only whole keys. */
    static FakeTable pattern(String... keysAndValues) {
        return new FakeTable("regexp:fake", true).with(keysAndValues);
    }

    FakeTable with(String... keysAndValues) {
        for (int i = 0; i < keysAndValues.length; i += 2) {
            entries.put(pattern ? keysAndValues[i] : keysAndValues[i].toLowerCase(Locale.ROOT), keysAndValues[i + 1]);
        }
        return this;
    }

    FakeTable failingOn(String key) {
        this.failingKey = key;
        return this;
    }

    List<String> queries() {
        return queries;
    }

    @Override
    public Optional<String> lookup(String key) throws LookupException {
        queries.add(key);
        if (key.equals(failingKey)) {
            throw new LookupException(name + ": lookup failed for " + key);
        }
        return Optional.ofNullable(entries.get(pattern ? key : key.toLowerCase(Locale.ROOT)));
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public boolean isPattern() {
        return pattern;
    }
}
