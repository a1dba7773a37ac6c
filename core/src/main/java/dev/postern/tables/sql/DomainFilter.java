package dev.postern.tables.sql;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

import dev.postern.config.ConfigException;
import dev.postern.tables.LookupException;
import dev.postern.tables.LookupTable;

/**
 * A SQL table's {@code domain} setting: when set, only keys {@code user@domain} with a non-empty
 * user and a listed domain are queried; {@code user}, {@code @domain} and other keys are "not found"
 * without asking the database (the partial keys of virtual alias and access lookups). The list
 * holds domain names, {@code /file} names (one domain or more per line, {@code #} comments), and
 * {@code type:table} tables in which the domain is looked up.
 */
final class DomainFilter {
    private final Set<String> names;
    private final List<LookupTable> tables;

    private DomainFilter(Set<String> names, List<LookupTable> tables) {
        this.names = names;
        this.tables = tables;
    }

    /** @return null when {@code value} is empty: every key is queried */
    static DomainFilter parse(String value, String where, SqlTables.TableOpener opener) throws ConfigException {
        if (value.isBlank()) {
            return null;
        }
        Set<String> names = new HashSet<>();
        List<LookupTable> tables = new ArrayList<>();
        for (String entry : value.split("[\\s,]+")) {
            if (entry.isEmpty()) {
                continue;
            }
            if (entry.startsWith("/")) {
                names.addAll(readFile(Path.of(entry), where));
            } else if (entry.indexOf(':') > 0) {
                try {
                    tables.add(opener.open(entry));
                } catch (ConfigException e) {
                    throw new ConfigException(where + ": domain: " + e.getMessage(), e);
                }
            } else {
                names.add(entry.toLowerCase(Locale.ROOT));
            }
        }
        return new DomainFilter(Set.copyOf(names), List.copyOf(tables));
    }

    private static List<String> readFile(Path file, String where) throws ConfigException {
        List<String> names = new ArrayList<>();
        try {
            for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
                int hash = line.indexOf('#');
                String content = hash < 0 ? line : line.substring(0, hash);
                for (String name : content.trim().split("[\\s,]+")) {
                    if (!name.isEmpty()) {
                        names.add(name.toLowerCase(Locale.ROOT));
                    }
                }
            }
        } catch (IOException e) {
            throw new ConfigException(where + ": domain: cannot read " + file + ": " + e.getMessage(), e);
        }
        return names;
    }

    /** Whether {@code key} (folded to lower case) may be queried. */
    boolean admits(String key) throws LookupException {
        int at = key.lastIndexOf('@');
        if (at <= 0 || at == key.length() - 1) {
            return false;
        }
        String domain = key.substring(at + 1);
        if (names.contains(domain)) {
            return true;
        }
        for (LookupTable table : tables) {
            if (table.lookup(domain).isPresent()) {
                return true;
            }
        }
        return false;
    }
}
