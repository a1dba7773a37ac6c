package dev.postern.tables;

import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Rewrites POSIX regular expressions (regexp_table(5)) and PCRE POSIX classes into Java syntax. */
final class PosixRegex {
    private static final Map<String, String> CLASSES = Map.ofEntries(
        Map.entry("alpha", "Alpha"), Map.entry("digit", "Digit"), Map.entry("alnum", "Alnum"),
        Map.entry("upper", "Upper"), Map.entry("lower", "Lower"), Map.entry("space", "Space"),
        Map.entry("blank", "Blank"), Map.entry("punct", "Punct"), Map.entry("print", "Print"),
        Map.entry("graph", "Graph"), Map.entry("cntrl", "Cntrl"), Map.entry("xdigit", "XDigit"));
    private static final Pattern PCRE_CLASS = Pattern.compile("(?<!\\\\)\\[:(\\^?)([a-z]+):\\]");
    private static final String BASIC_OPERATORS = "(){}|+?";

    private PosixRegex() {
    }

    /**
     * A POSIX extended (or, when {@code extended} is false, basic) regular expression as a Java one.
     *
     * @throws IllegalArgumentException for an unbalanced bracket or an unknown character class
     */
    static String toJava(String regex, boolean extended) {
        StringBuilder out = new StringBuilder(regex.length() + 8);
        int i = 0;
        while (i < regex.length()) {
            char c = regex.charAt(i);
            if (c == '\\') {
                if (i + 1 == regex.length()) {
                    throw new IllegalArgumentException("trailing backslash");
                }
                char d = regex.charAt(i + 1);
                i += 2;
                if (!extended && BASIC_OPERATORS.indexOf(d) >= 0) {
                    out.append(d);
                } else if (d == '<' || d == '>') {
                    out.append("\\b");
                } else {
                    out.append('\\').append(d);
                }
            } else if (c == '[') {
                i = bracket(regex, i, out);
            } else if (!extended && BASIC_OPERATORS.indexOf(c) >= 0) {
                out.append('\\').append(c);
                i++;
            } else {
                out.append(c);
                i++;
            }
        }
        return out.toString();
    }

    /** Copies the bracket expression that starts at {@code start}; returns the index after it. */
    private static int bracket(String regex, int start, StringBuilder out) {
        int j = start + 1;
        out.append('[');
        if (j < regex.length() && regex.charAt(j) == '^') {
            out.append('^');
            j++;
        }
        if (j < regex.length() && regex.charAt(j) == ']') {
            out.append("\\]");
            j++;
        }
        while (j < regex.length() && regex.charAt(j) != ']') {
            if (regex.startsWith("[:", j)) {
                int end = regex.indexOf(":]", j + 2);
                if (end < 0) {
                    throw new IllegalArgumentException("unterminated [: in a bracket expression");
                }
                String name = regex.substring(j + 2, end);
                String java = CLASSES.get(name);
                if (java == null) {
                    throw new IllegalArgumentException("unknown character class [:" + name + ":]");
                }
                out.append("\\p{").append(java).append('}');
                j = end + 2;
            } else if (regex.startsWith("[=", j) || regex.startsWith("[.", j)) {
                String close = regex.charAt(j + 1) + "]";
                int end = regex.indexOf(close, j + 2);
                if (end < 0) {
                    throw new IllegalArgumentException("unterminated " + regex.substring(j, j + 2) + " in a bracket expression");
                }
                for (char literal : regex.substring(j + 2, end).toCharArray()) {
                    appendClassLiteral(out, literal);
                }
                j = end + 2;
            } else {
                char c = regex.charAt(j);
                if (c == '-') {
                    out.append('-');
                } else {
                    appendClassLiteral(out, c);
                }
                j++;
            }
        }
        if (j >= regex.length()) {
            throw new IllegalArgumentException("unmatched [");
        }
        out.append(']');
        return j + 1;
    }

    private static void appendClassLiteral(StringBuilder out, char c) {
        if (c == '\\' || c == '[' || c == ']' || c == '&' || c == '^') {
            out.append('\\');
        }
        out.append(c);
    }

    /** PCRE's {@code [:name:]} and {@code [:^name:]} (valid inside a class) as Java's {@code \p} / {@code \P}. */
    static String posixClassesToJava(String regex) {
        if (regex.indexOf("[:") < 0) {
            return regex;
        }
        Matcher matcher = PCRE_CLASS.matcher(regex);
        StringBuilder out = new StringBuilder();
        while (matcher.find()) {
            boolean negated = !matcher.group(1).isEmpty();
            String java = CLASSES.get(matcher.group(2));
            String replacement;
            if (matcher.group(2).equals("word")) {
                replacement = negated ? "\\W" : "\\w";
            } else if (java == null) {
                replacement = matcher.group();
            } else {
                replacement = (negated ? "\\P{" : "\\p{") + java + "}";
            }
            matcher.appendReplacement(out, Matcher.quoteReplacement(replacement));
        }
        matcher.appendTail(out);
        return out.toString();
    }
}
