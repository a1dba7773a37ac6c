package dev.postern.tables;

import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/** An aliases(5) file opened as a table: name to its destination list (see {@link AliasFile}). */
final class AliasTable implements SequencedTable {
    private final String name;
    private final FileSource<Map<String, String>> source;

    AliasTable(String name, FileSource<Map<String, String>> source) {
        this.name = name;
        this.source = source;
    }

    @Override
    public Map<String, String> entries() {
        return java.util.Collections.unmodifiableMap(source.contents());
    }

    @Override
    public Optional<String> lookup(String key) {
        return Optional.ofNullable(source.contents().get(key.toLowerCase(Locale.ROOT)));
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
