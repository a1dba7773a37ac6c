package dev.postern.restrictions;

import java.util.function.Function;

/**
 * Expansion of a reply template such as {@code default_rbl_reply}, as Postfix's
 * {@code mac_expand} does it: {@code $name}, {@code ${name}}, {@code $(name)}, {@code $$},
 * {@code ${name?text}} (text when the value is not empty) and {@code ${name:text}} (text when
 * it is). Names are resolved per reply ({@code $rbl_domain}, {@code $client_address}, ...),
 * which is why such parameters are not expanded when main.cf loads.
 */
final class ReplyTemplate {
    private ReplyTemplate() {
    }

    /**
     * @param names the value of a name, or null when there is no such name
     * @throws IllegalArgumentException for a malformed template or an unknown name
     */
    static String expand(String template, Function<String, String> names) {
        StringBuilder out = new StringBuilder();
        int i = 0;
        while (i < template.length()) {
            char c = template.charAt(i);
            if (c != '$') {
                out.append(c);
                i++;
                continue;
            }
            char next = i + 1 < template.length() ? template.charAt(i + 1) : 0;
            if (next == '$') {
                out.append('$');
                i += 2;
            } else if (next == '{' || next == '(') {
                int close = close(template, i + 1);
                out.append(reference(template.substring(i + 2, close), names));
                i = close + 1;
            } else {
                int end = i + 1;
                while (end < template.length() && isNameChar(template.charAt(end))) {
                    end++;
                }
                if (end == i + 1) {
                    throw new IllegalArgumentException("stray \"$\" in \"" + template + "\"");
                }
                out.append(value(template.substring(i + 1, end), names));
                i = end;
            }
        }
        return out.toString();
    }

    private static String reference(String inner, Function<String, String> names) {
        int end = 0;
        while (end < inner.length() && isNameChar(inner.charAt(end))) {
            end++;
        }
        String value = value(inner.substring(0, end), names);
        if (end == inner.length()) {
            return value;
        }
        String text = inner.substring(end + 1);
        return switch (inner.charAt(end)) {
            case '?' -> value.isEmpty() ? "" : expand(text, names);
            case ':' -> value.isEmpty() ? expand(text, names) : "";
            default -> throw new IllegalArgumentException("unexpected \"" + inner.charAt(end) + "\" in \"${" + inner + "}\"");
        };
    }

    private static String value(String name, Function<String, String> names) {
        String value = name.isEmpty() ? null : names.apply(name);
        if (value == null) {
            throw new IllegalArgumentException("unknown name \"$" + name + "\"");
        }
        return value;
    }

    private static int close(String template, int open) {
        char want = template.charAt(open) == '{' ? '}' : ')';
        int depth = 0;
        for (int i = open; i < template.length(); i++) {
            char c = template.charAt(i);
            if (c == template.charAt(open)) {
                depth++;
            } else if (c == want && --depth == 0) {
                return i;
            }
        }
        throw new IllegalArgumentException("missing \"" + want + "\" in \"" + template + "\"");
    }

    private static boolean isNameChar(char c) {
        return Character.isLetterOrDigit(c) || c == '_';
    }
}
