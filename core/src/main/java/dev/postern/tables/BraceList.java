package dev.postern.tables;

import java.util.ArrayList;
import java.util.List;

/**
 * The {@code {...}} syntax of inline:, static:, unionmap: and pipemap: names, as Postfix's
 * {@code mystrtokq()} and {@code extpar()} read it.
 */
final class BraceList {
    private BraceList() {
    }

    /**
     * The text inside {@code {...}} that must enclose the whole of {@code text} (white space around
     * it allowed), or null when it is not so enclosed.
     */
    static String inside(String text) {
        String trimmed = LogicalLines.trim(text);
        if (!trimmed.startsWith("{") || !trimmed.endsWith("}")) {
            return null;
        }
        int depth = 0;
        for (int i = 0; i < trimmed.length(); i++) {
            char c = trimmed.charAt(i);
            if (c == '{') {
                depth++;
            } else if (c == '}') {
                depth--;
                if (depth == 0 && i != trimmed.length() - 1) {
                    return null;
                }
            }
        }
        return depth == 0 ? trimmed.substring(1, trimmed.length() - 1) : null;
    }

    /**
     * The elements of a list separated by commas and/or white space; an element in braces may hold
     * both and is returned with its braces.
     *
     * @throws IllegalArgumentException for unbalanced braces
     */
    static List<String> split(String text) {
        List<String> elements = new ArrayList<>();
        int i = 0;
        while (i < text.length()) {
            char c = text.charAt(i);
            if (c == ',' || LogicalLines.isSpace(c)) {
                i++;
                continue;
            }
            int start = i;
            int depth = 0;
            while (i < text.length()) {
                c = text.charAt(i);
                if (c == '{') {
                    depth++;
                } else if (c == '}') {
                    if (--depth < 0) {
                        throw new IllegalArgumentException("unbalanced \"}\"");
                    }
                } else if (depth == 0 && (c == ',' || LogicalLines.isSpace(c))) {
                    break;
                }
                i++;
            }
            if (depth != 0) {
                throw new IllegalArgumentException("unbalanced \"{\"");
            }
            elements.add(text.substring(start, i));
        }
        return elements;
    }
}
