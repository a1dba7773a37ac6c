package dev.postern.tables;

import java.util.ArrayList;
import java.util.List;

/**
 * The right-hand side of an aliases(5) entry: destinations separated by commas, each an address,
 * a {@code /file}, a {@code |command} or an {@code :include:/file}. A destination may be written in
 * double quotes to hold commas or white space ({@code "|/usr/bin/filter -a, -b"}); the quotes are
 * removed. Whitespace around a destination is not part of it.
 */
public final class AliasList {
    private AliasList() {
    }

    /**
     * @throws IllegalArgumentException for an unterminated quote, an empty destination between two
     *                                  commas, or an {@code :include:} without a file name
     */
    public static List<String> split(String value) {
        List<String> destinations = new ArrayList<>();
        StringBuilder current = new StringBuilder();
        boolean quoted = false;
        boolean sawQuote = false;
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c == '\\' && quoted && i + 1 < value.length()) {
                current.append(value.charAt(++i));
            } else if (c == '"') {
                quoted = !quoted;
                sawQuote = true;
            } else if (c == ',' && !quoted) {
                add(destinations, current, sawQuote, value);
                current.setLength(0);
                sawQuote = false;
            } else {
                current.append(c);
            }
        }
        if (quoted) {
            throw new IllegalArgumentException("unterminated quote in \"" + value + "\"");
        }
        add(destinations, current, sawQuote, value);
        return List.copyOf(destinations);
    }

    private static void add(List<String> destinations, StringBuilder current, boolean sawQuote, String value) {
        String destination = sawQuote ? current.toString() : current.toString().strip();
        if (destination.isBlank()) {
            if (value.isBlank() || value.strip().endsWith(",")) {
                return; // a trailing comma, as sendmail allows
            }
            throw new IllegalArgumentException("empty destination in \"" + value + "\"");
        }
        if (destination.strip().toLowerCase(java.util.Locale.ROOT).startsWith(":include:")
                && destination.strip().substring(":include:".length()).isBlank()) {
            throw new IllegalArgumentException(":include: without a file name in \"" + value + "\"");
        }
        destinations.add(destination.strip());
    }
}
