package dev.postern.config;

import java.util.ArrayList;
import java.util.List;

/**
 * The syntax of main.cf, and nothing else: which logical lines there are and what
 * {@code name = value} each holds. Whether a name is known, and what a value means, is the
 * loader's business.
 *
 * <p>As Postfix reads main.cf: a logical line starts with a non-blank character; physical lines
 * that start with white space continue it (joined here with one space); lines whose first
 * non-blank character is {@code #}, and blank lines, are skipped without ending the logical line
 * they sit in; a {@code #} anywhere else is part of the value.
 *
 * <p>Public for {@code postern import-postfix}, which reports on a Postfix main.cf before it is loaded.
 */
public final class MainCfParser {

    /** One logical line: a setting, or a line that could not be read as one. */
    public sealed interface Entry permits Setting, Malformed {
        /** The physical line the logical line starts on (1-based). */
        int line();
    }

    public record Setting(int line, String name, String value) implements Entry {
    }

    public record Malformed(int line, String reason) implements Entry {
    }

    private MainCfParser() {
    }

    /**
     * The entries of a main.cf, in file order. A string that holds line breaks counts as several
     * physical lines, as it would in a file, so no entry or message spans lines.
     */
    public static List<Entry> parse(List<String> input) {
        List<String> lines = physicalLines(input);
        List<Entry> entries = new ArrayList<>();
        StringBuilder logical = null;
        int start = 0;
        boolean inOrphanContinuation = false;
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i).stripTrailing();
            String text = line.stripLeading();
            if (text.isEmpty() || text.startsWith("#")) {
                continue;
            }
            if (text.length() != line.length()) {
                if (logical != null) {
                    logical.append(' ').append(text);
                } else if (!inOrphanContinuation) {
                    inOrphanContinuation = true;
                    entries.add(new Malformed(i + 1, "continuation line before any parameter"
                            + " (a line that starts with white space continues the previous one)"));
                }
                continue;
            }
            if (logical != null) {
                entries.add(entry(start, logical.toString()));
            }
            logical = new StringBuilder(line);
            start = i + 1;
        }
        if (logical != null) {
            entries.add(entry(start, logical.toString()));
        }
        return List.copyOf(entries);
    }

    private static List<String> physicalLines(List<String> input) {
        List<String> lines = new ArrayList<>(input.size());
        for (String line : input) {
            // A terminator at the very end only ends this line; it does not start another.
            String text = line.endsWith("\r\n") ? line.substring(0, line.length() - 2)
                    : line.endsWith("\r") || line.endsWith("\n") ? line.substring(0, line.length() - 1)
                    : line;
            lines.addAll(List.of(text.split("\r\n|\r|\n", -1)));
        }
        return lines;
    }

    private static Entry entry(int line, String text) {
        int equals = text.indexOf('=');
        if (equals < 0) {
            return new Malformed(line, "malformed line: missing \"=\" (expected \"name = value\")");
        }
        String name = text.substring(0, equals).strip();
        if (name.isEmpty()) {
            return new Malformed(line, "malformed line: missing parameter name before \"=\"");
        }
        if (name.chars().anyMatch(Character::isWhitespace)) {
            return new Malformed(line, "malformed line: \"" + name + "\" is not a parameter name"
                    + " (expected \"name = value\")");
        }
        return new Setting(line, name, text.substring(equals + 1).strip());
    }
}
