package dev.postern.config;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * Parameters whose value may name files holding the value, read when main.cf is loaded, so that a
 * missing file is a startup error (and a {@code postern check} error) naming the parameter and
 * the file, and every user of the parameter sees the contents:
 * <ul>
 *   <li>{@code myorigin = /etc/mailname}, as Debian's Postfix reads it: the file's first line,
 *       trimmed (an empty file is an error too).</li>
 *   <li>{@code mydestination}: each {@code /file/name} item is replaced by the file's items (a
 *       {@code !} before it negates each), since local delivery needs the domain names
 *       themselves. The other lists that take {@code /file/name} (mynetworks, relay_domains,
 *       the virtual domain lists) read their files where they are parsed, with the same
 *       result.</li>
 * </ul>
 */
final class FileValue {
    private static final Set<String> FIRST_LINE = Set.of("myorigin");
    private static final Set<String> LIST_FILES = Set.of("mydestination");

    private FileValue() {
    }

    /**
     * The value to use: for a parameter of this kind whose expanded value starts with {@code /},
     * the file's first line; otherwise {@code value} unchanged.
     *
     * @throws IllegalArgumentException {@code NAME: reason} when the file cannot be read or is empty
     */
    static String resolve(String name, String value) {
        if (LIST_FILES.contains(name)) {
            return expandFileItems(name, value);
        }
        String trimmed = value.trim();
        if (!FIRST_LINE.contains(name) || !trimmed.startsWith("/")) {
            return value;
        }
        List<String> lines;
        try {
            lines = Files.readAllLines(Path.of(trimmed), StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            throw new IllegalArgumentException(name + ": cannot read " + trimmed + ": file not found", e);
        } catch (IOException e) {
            throw new IllegalArgumentException(name + ": cannot read " + trimmed + ": " + e.getMessage(), e);
        }
        String first = lines.isEmpty() ? "" : lines.get(0).trim();
        if (first.isEmpty()) {
            throw new IllegalArgumentException(name + ": " + trimmed + " is empty (its first line should be a domain name)");
        }
        return first;
    }

    /** The list with each {@code /file/name} item (possibly after {@code !}) replaced by the file's items. */
    private static String expandFileItems(String name, String value) {
        List<String> items = PostfixList.split(value);
        if (items.stream().noneMatch(FileValue::isFileItem)) {
            return value;
        }
        List<String> expanded = new ArrayList<>();
        for (String item : items) {
            expanded.addAll(expand(name, item));
        }
        return String.join(", ", expanded);
    }

    private static List<String> expand(String name, String item) {
        if (!isFileItem(item)) {
            return List.of(item);
        }
        String negation = item.substring(0, item.indexOf('/'));
        List<String> result = new ArrayList<>();
        for (String inner : PostfixList.fileItems(name, item.substring(negation.length()))) {
            expand(name, inner).forEach(expandedItem -> result.add(negation + expandedItem));
        }
        return result;
    }

    private static boolean isFileItem(String item) {
        int i = 0;
        while (i < item.length() && item.charAt(i) == '!') {
            i++;
        }
        return i < item.length() && item.charAt(i) == '/';
    }
}
