package dev.postern.tables;

import java.io.IOException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Consumer;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.postern.config.ConfigException;

/**
 * An aliases(5) source file, as postalias(1) reads it: {@code name: destination, destination};
 * {@code #} comment lines and blank lines ignored; a line starting with white space continues the
 * previous one. The name may be {@code "quoted"} and is folded to lower case. A duplicate name keeps
 * the first entry (warning naming both lines), as postalias does. A line without the colon, with no
 * destination, or whose destinations do not parse ({@link AliasList}) is an error naming FILE:LINE,
 * which stops the start, or, on a reload, keeps the previous contents.
 *
 * <p>Values are kept as {@code a, b, "|c d"}: the destinations re-joined, each quoted when it needs
 * to be, so {@link AliasList#split} gives them back.
 */
final class AliasFile {
    private static final Logger LOG = LoggerFactory.getLogger(AliasFile.class);

    private AliasFile() {
    }

    static Map<String, String> parse(Path file) throws IOException, ConfigException {
        return parse(file, LOG::warn);
    }

    static Map<String, String> parse(Path file, Consumer<String> warnings) throws IOException, ConfigException {
        Map<String, String> aliases = new LinkedHashMap<>();
        Map<String, Integer> firstLine = new HashMap<>();
        LogicalLines.read(file, (line, text) -> {
            String where = file + ":" + line;
            int colon = nameEnd(where, text);
            String name = unquote(text.substring(0, colon).strip()).toLowerCase(Locale.ROOT);
            if (name.isEmpty()) {
                throw new ConfigException(where + ": missing alias name before ':'");
            }
            String value = text.substring(colon + 1).strip();
            if (value.isEmpty()) {
                throw new ConfigException(where + ": alias \"" + name + "\" has no destination");
            }
            List<String> destinations;
            try {
                destinations = AliasList.split(value);
            } catch (IllegalArgumentException e) {
                throw new ConfigException(where + ": alias \"" + name + "\": " + e.getMessage());
            }
            if (destinations.isEmpty()) {
                throw new ConfigException(where + ": alias \"" + name + "\" has no destination");
            }
            Integer earlier = firstLine.putIfAbsent(name, line);
            if (earlier != null) {
                warnings.accept(where + ": duplicate alias \"" + name + "\" (first at line " + earlier
                    + "); keeping the first");
                return;
            }
            aliases.put(name, join(destinations));
        });
        return java.util.Collections.unmodifiableMap(aliases);
    }

    /** The colon after the name: outside quotes, before any white space of an unquoted name. */
    private static int nameEnd(String where, String text) throws ConfigException {
        boolean quoted = false;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == '"') {
                quoted = !quoted;
            } else if (c == ':' && !quoted) {
                return i;
            } else if (!quoted && LogicalLines.isSpace(c)) {
                int next = i;
                while (next < text.length() && LogicalLines.isSpace(text.charAt(next))) {
                    next++;
                }
                if (next < text.length() && text.charAt(next) == ':') {
                    return next;
                }
                break;
            }
        }
        throw new ConfigException(where + ": expected format: name: destination, ...; missing ':' after \""
            + text.split("\\s+", 2)[0] + "\"");
    }

    private static String unquote(String name) {
        return name.length() >= 2 && name.startsWith("\"") && name.endsWith("\"") ? name.substring(1, name.length() - 1)
            : name;
    }

    private static String join(List<String> destinations) {
        StringBuilder out = new StringBuilder();
        for (String destination : destinations) {
            if (out.length() > 0) {
                out.append(", ");
            }
            if (destination.contains(",") || destination.contains("\"") || destination.chars().anyMatch(Character::isWhitespace)) {
                out.append('"').append(destination.replace("\\", "\\\\").replace("\"", "\\\"")).append('"');
            } else {
                out.append(destination);
            }
        }
        return out.toString();
    }
}
