package dev.postern.tables;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

import dev.postern.config.ConfigException;

/**
 * {@code inline:{key=value, {key = value with spaces}, ...}}: a small table written in place.
 * Keys are folded to lower case, and so are queries; the first of duplicate keys wins.
 */
final class InlineTable implements SequencedTable {
    private final String name;
    private final Map<String, String> entries;

    private InlineTable(String name, Map<String, String> entries) {
        this.name = name;
        this.entries = entries;
    }

    static InlineTable open(String name, String spec) throws ConfigException {
        String body = BraceList.inside(spec);
        if (body == null) {
            throw new ConfigException("table " + name + ": expected inline:{key=value, ...}");
        }
        Map<String, String> entries = new LinkedHashMap<>();
        try {
            for (String element : BraceList.split(body)) {
                String pair = element.startsWith("{") ? BraceList.inside(element) : element;
                int equals = pair == null ? -1 : pair.indexOf('=');
                String key = equals < 0 ? "" : LogicalLines.trim(pair.substring(0, equals));
                if (key.isEmpty()) {
                    throw new ConfigException("table " + name + ": \"" + element + "\": expected key=value or {key = value}");
                }
                entries.putIfAbsent(key.toLowerCase(Locale.ROOT), LogicalLines.trim(pair.substring(equals + 1)));
            }
        } catch (IllegalArgumentException e) {
            throw new ConfigException("table " + name + ": " + e.getMessage());
        }
        return new InlineTable(name, Collections.unmodifiableMap(entries));
    }

    @Override
    public Map<String, String> entries() {
        return entries;
    }

    @Override
    public Optional<String> lookup(String key) {
        return Optional.ofNullable(entries.get(key.toLowerCase(Locale.ROOT)));
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
