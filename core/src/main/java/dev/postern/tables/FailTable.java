package dev.postern.tables;

import java.util.Optional;

/** {@code fail:name}: every lookup fails, for testing how callers treat a table error. */
final class FailTable implements LookupTable {
    private final String name;

    FailTable(String name) {
        this.name = name;
    }

    @Override
    public Optional<String> lookup(String key) throws LookupException {
        throw new LookupException(name + ": table lookup failed (fail: table)");
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
