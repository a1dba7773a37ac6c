package dev.postern.tables;

import java.util.Optional;

/**
 * {@code fail:name}: every lookup fails, for testing how callers treat a table error; also the
 * stand-in for a table that was not opened ({@link LookupTable#failing}).
 */
final class FailTable implements LookupTable {
    private final String name;
    private final String reason;

    FailTable(String name) {
        this(name, "table lookup failed (fail: table)");
    }

    FailTable(String name, String reason) {
        this.name = name;
        this.reason = reason;
    }

    @Override
    public Optional<String> lookup(String key) throws LookupException {
        throw new LookupException(name + ": " + reason);
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
