package dev.postern.tables;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.postern.config.ConfigException;

/**
 * {@code hash:}, {@code texthash:} and the other indexed types ({@code lmdb:}, {@code btree:},
 * {@code cdb:}, {@code dbm:}), read straight from the postmap(1) source text: no {@code .db}
 * file, no postmap run.
 *
 * <p>Source syntax, as postmap reads it: {@code key<white space>value}; {@code #} comment lines and
 * blank lines are ignored; a line that starts with white space continues the previous one; a key
 * may be written {@code "quoted"} to hold white space ({@code \"} and {@code \\} escape inside the
 * quotes). Keys are folded to lower case, and so are queries. A duplicate key keeps the first
 * value and logs a warning naming both lines. A line with a key and no value is skipped with a
 * warning, as postmap does; an unterminated quoted key is an error.
 *
 * <p>The contents are an in-memory hash map ({@link CompactStringMap}: keys and values as UTF-8
 * in one array, some 20 bytes of overhead per entry), so a million entries fit in a few tens of
 * megabytes.
 */
final class HashTable implements SequencedTable {
    private static final Logger LOG = LoggerFactory.getLogger(HashTable.class);
    private static final int MAX_DUPLICATE_WARNINGS = 100;

    private final String name;
    private final FileSource<CompactStringMap> source;

    HashTable(String name, FileSource<CompactStringMap> source) {
        this.name = name;
        this.source = source;
    }

    @Override
    public Map<String, String> entries() {
        Map<String, String> entries = new LinkedHashMap<>();
        source.contents().forEach(entries::put);
        return entries;
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

    FileSource<CompactStringMap> source() {
        return source;
    }

    /** One parsed source line: folded key and value, or null for a line skipped with a warning. */
    record Entry(String key, String value) {
    }

    /** Parses one logical line of postmap source; null when the line is skipped. */
    static Entry parseLine(String where, String text, Consumer<String> warnings) throws ConfigException {
        String key;
        int rest;
        if (text.charAt(0) == '"') {
            StringBuilder quoted = new StringBuilder();
            int i = 1;
            boolean closed = false;
            while (i < text.length()) {
                char c = text.charAt(i++);
                if (c == '\\' && i < text.length()) {
                    quoted.append(text.charAt(i++));
                } else if (c == '"') {
                    closed = true;
                    break;
                } else {
                    quoted.append(c);
                }
            }
            if (!closed) {
                throw new ConfigException(where + ": unterminated quoted key");
            }
            if (i < text.length() && !LogicalLines.isSpace(text.charAt(i))) {
                throw new ConfigException(where + ": white space expected after the quoted key");
            }
            key = quoted.toString();
            rest = i;
        } else {
            int end = 0;
            while (end < text.length() && !LogicalLines.isSpace(text.charAt(end))) {
                end++;
            }
            key = text.substring(0, end);
            rest = end;
        }
        String value = LogicalLines.trim(text.substring(rest));
        if (value.isEmpty()) {
            warnings.accept(where + ": expected format: key whitespace value; skipping this line");
            return null;
        }
        return new Entry(key.toLowerCase(Locale.ROOT), value);
    }

    /** Reads a whole postmap source file; warnings go to the log. */
    static CompactStringMap parse(Path file) throws IOException, ConfigException {
        return parse(file, LOG::warn);
    }

    /** Reads a whole postmap source file; each warning (one line, FILE:LINE first) goes to {@code warnings}. */
    static CompactStringMap parse(Path file, Consumer<String> warnings) throws IOException, ConfigException {
        long size = Files.size(file);
        CompactStringMap map = new CompactStringMap((int) Math.min(1 << 28, Math.max(16, size / 40)));
        Map<String, Integer> duplicates = new LinkedHashMap<>();
        LogicalLines.read(file, (line, text) -> {
            Entry entry = parseLine(file + ":" + line, text, warnings);
            if (entry == null) {
                return;
            }
            if (!map.putIfAbsent(entry.key(), entry.value())) {
                duplicates.putIfAbsent(entry.key() + "\0" + line, line);
            }
        });
        if (!duplicates.isEmpty()) {
            warnDuplicates(file, duplicates, warnings);
        }
        return map.trim();
    }

    /** Names the first definition of each duplicate: found by a second pass, duplicates being rare. */
    private static void warnDuplicates(Path file, Map<String, Integer> duplicates, Consumer<String> warnings)
            throws IOException, ConfigException {
        Map<String, Integer> firstLines = new HashMap<>();
        for (String keyAndLine : duplicates.keySet()) {
            firstLines.put(keyAndLine.substring(0, keyAndLine.indexOf('\0')), null);
        }
        LogicalLines.read(file, (line, text) -> {
            Entry entry = parseLine(file + ":" + line, text, ignored -> { });
            if (entry != null && firstLines.containsKey(entry.key()) && firstLines.get(entry.key()) == null) {
                firstLines.put(entry.key(), line);
            }
        });
        List<String> messages = new ArrayList<>();
        for (Map.Entry<String, Integer> duplicate : duplicates.entrySet()) {
            String key = duplicate.getKey().substring(0, duplicate.getKey().indexOf('\0'));
            messages.add(file + ":" + duplicate.getValue() + ": duplicate entry \"" + key + "\" ignored; the first, at "
                + file + ":" + firstLines.get(key) + ", is used");
        }
        for (int i = 0; i < Math.min(messages.size(), MAX_DUPLICATE_WARNINGS); i++) {
            warnings.accept(messages.get(i));
        }
        if (messages.size() > MAX_DUPLICATE_WARNINGS) {
            warnings.accept(file + ": " + (messages.size() - MAX_DUPLICATE_WARNINGS) + " more duplicate entries ignored");
        }
    }
}
