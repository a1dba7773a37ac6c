package dev.postern.config;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Postfix's list syntax: elements separated by commas and/or white space, empty elements
 * dropped. As in Postfix, separators inside {@code {...}} do not split, so a list element can
 * be {@code inline:{a=b, c=d}}; the braces stay in the element for whoever parses it.
 */
public final class PostfixList {
    private PostfixList() {
    }

    public static List<String> split(String value) {
        List<String> elements = new ArrayList<>();
        StringBuilder element = new StringBuilder();
        int depth = 0;
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (depth == 0 && isSeparator(c)) {
                flush(element, elements);
                continue;
            }
            if (c == '{') {
                depth++;
            } else if (c == '}' && depth > 0) {
                depth--;
            }
            element.append(c);
        }
        // An unclosed "{" keeps the rest of the value in one element; the consumer that
        // expects a table or a restriction reports the syntax error with its own context.
        flush(element, elements);
        return List.copyOf(elements);
    }

    /** Told each item of a list, after {@link #forEachItem}'s reading of {@code !} and {@code /file/name}. */
    @FunctionalInterface
    public interface ItemVisitor {
        void item(String item, boolean negated);
    }

    /**
     * Each item of a match list as Postfix reads one (mynetworks, mydestination, relay_domains...):
     * every leading {@code !} negates it, and a {@code /file/name} item stands for the file's items,
     * each negated once more if the file item was.
     *
     * @throws IllegalArgumentException for a {@code !} with nothing after it, or a file that cannot be read
     */
    public static void forEachItem(String parameter, List<String> items, boolean outerNegated, ItemVisitor visitor) {
        for (String raw : items) {
            String item = raw.trim();
            boolean negated = outerNegated;
            while (item.startsWith("!")) {
                negated = !negated;
                item = item.substring(1);
            }
            if (item.isEmpty()) {
                throw new IllegalArgumentException(parameter + ": empty item after \"!\" in \"" + raw + "\"");
            }
            if (item.startsWith("/")) {
                forEachItem(parameter, fileItems(parameter, item), negated, visitor);
            } else {
                visitor.item(item, negated);
            }
        }
    }

    /**
     * The items of a {@code /file/name} element of a list parameter ({@code mynetworks},
     * {@code mydestination}, ...): the file's lines split as a list; blank lines and lines whose
     * first non-blank character is {@code #} are skipped.
     *
     * @throws IllegalArgumentException {@code PARAMETER: cannot read FILE: reason}
     */
    public static List<String> fileItems(String parameter, String file) {
        List<String> lines;
        try {
            lines = Files.readAllLines(Path.of(file), StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            throw new IllegalArgumentException(parameter + ": cannot read " + file + ": file not found", e);
        } catch (IOException e) {
            throw new IllegalArgumentException(parameter + ": cannot read " + file + ": " + e.getMessage(), e);
        }
        List<String> items = new ArrayList<>();
        for (String line : lines) {
            String trimmed = line.trim();
            if (!trimmed.isEmpty() && !trimmed.startsWith("#")) {
                items.addAll(split(trimmed));
            }
        }
        return items;
    }

    private static boolean isSeparator(char c) {
        return c == ',' || c == ' ' || c == '\t' || c == '\r' || c == '\n';
    }

    private static void flush(StringBuilder element, List<String> elements) {
        if (element.length() > 0) {
            elements.add(element.toString());
            element.setLength(0);
        }
    }
}
