package dev.postern.cleanup;

import java.util.Locale;

/**
 * One result of a header_checks/body_checks table, split into its action keyword and the
 * optional text after it ({@code REJECT no thanks}: REJECT, "no thanks"). The keyword is
 * case-insensitive; {@code OK} is Postfix's old synonym of {@code DUNNO}. A keyword Postfix
 * does not know is kept as {@link Type#UNKNOWN} so that the caller can warn about it.
 */
public record ContentAction(Type type, String keyword, String text) {
    public enum Type {
        REJECT, WARN, INFO, FILTER, PASS, DISCARD, HOLD, PREPEND, REPLACE, REDIRECT, BCC, STRIP, IGNORE, DUNNO, UNKNOWN
    }

    public static ContentAction parse(String value) {
        int end = 0;
        while (end < value.length() && !isBlank(value.charAt(end))) {
            end++;
        }
        String keyword = value.substring(0, end);
        int start = end;
        while (start < value.length() && isBlank(value.charAt(start))) {
            start++;
        }
        return new ContentAction(typeOf(keyword), keyword, value.substring(start));
    }

    private static Type typeOf(String keyword) {
        String upper = keyword.toUpperCase(Locale.ROOT);
        if (upper.equals("OK")) {
            return Type.DUNNO;
        }
        try {
            return Type.valueOf(upper);
        } catch (IllegalArgumentException e) {
            return Type.UNKNOWN;
        }
    }

    private static boolean isBlank(char c) {
        return c == ' ' || c == '\t';
    }
}
