package dev.postern.config;

import java.util.List;

/**
 * Postfix's {@code $} expansion of one value: {@code $name}, {@code ${name}}, {@code $(name)},
 * {@code $$} for a literal {@code $}, {@code ${name?text}} (text when name is non-empty) and
 * {@code ${name:text}} (text when name is empty). The text of a conditional is itself expanded.
 * Resolving names (recursion, loops, defaults) is the caller's job, through {@link Lookup}.
 */
final class Expander {

    /** Resolves a parameter name to its expanded value. */
    interface Lookup {
        /** @return the expanded value, or {@code null} when no such parameter exists */
        String expanded(String name);

        /** Whether the name exists, without expanding it (for the branch of a conditional not taken). */
        default boolean defined(String name) {
            return expanded(name) != null;
        }
    }

    /** A value that cannot be expanded; {@code parameter} is the one whose value is at fault. */
    static final class Failure extends RuntimeException {
        private static final long serialVersionUID = 1L;
        private final String parameter;
        private final List<String> involved;

        Failure(String parameter, String reason) {
            this(parameter, reason, List.of(parameter));
        }

        /** @param involved every parameter this one failure is the fault of (the members of a loop) */
        Failure(String parameter, String reason, List<String> involved) {
            super(reason, null, false, false);
            this.parameter = parameter;
            this.involved = List.copyOf(involved);
        }

        String parameter() {
            return parameter;
        }

        List<String> involved() {
            return involved;
        }

        String reason() {
            return getMessage();
        }
    }

    private Expander() {
    }

    /**
     * Expands {@code text}, the value of parameter {@code owner}.
     *
     * @throws Failure naming {@code owner} when the text is malformed or names an unknown parameter
     */
    static String expand(String owner, String text, Lookup lookup) {
        StringBuilder out = new StringBuilder(text.length());
        int i = 0;
        while (i < text.length()) {
            char c = text.charAt(i);
            if (c != '$') {
                out.append(c);
                i++;
                continue;
            }
            char next = i + 1 < text.length() ? text.charAt(i + 1) : 0;
            if (next == '$') {
                out.append('$');
                i += 2;
            } else if (next == '{' || next == '(') {
                int close = matchingClose(text, i + 1);
                if (close < 0) {
                    throw new Failure(owner, "missing \"" + (next == '{' ? '}' : ')')
                            + "\" in \"" + text + "\"");
                }
                out.append(reference(owner, text.substring(i + 2, close), text, lookup));
                i = close + 1;
            } else if (isNameChar(next)) {
                int end = i + 1;
                while (end < text.length() && isNameChar(text.charAt(end))) {
                    end++;
                }
                out.append(value(owner, text.substring(i + 1, end), lookup));
                i = end;
            } else {
                throw new Failure(owner, "stray \"$\" in \"" + text + "\" (write \"$$\" for a literal \"$\")");
            }
        }
        return out.toString();
    }

    /** The inside of {@code ${...}} or {@code $(...)}: a name, optionally with {@code ?text} or {@code :text}. */
    private static String reference(String owner, String inner, String text, Lookup lookup) {
        int end = 0;
        while (end < inner.length() && isNameChar(inner.charAt(end))) {
            end++;
        }
        String name = inner.substring(0, end);
        if (name.isEmpty() || (end < inner.length() && inner.charAt(end) != '?' && inner.charAt(end) != ':')) {
            throw new Failure(owner, "bad parameter reference in \"" + text + "\"");
        }
        String value = value(owner, name, lookup);
        if (end == inner.length()) {
            return value;
        }
        boolean whenNonEmpty = inner.charAt(end) == '?';
        String branch = inner.substring(end + 1);
        if (whenNonEmpty == !value.isEmpty()) {
            return expand(owner, branch, lookup);
        }
        // The branch not taken is only checked: a misspelt name there is still an error, though
        // its value is never needed.
        expand(owner, branch, checkOnly(lookup));
        return "";
    }

    private static Lookup checkOnly(Lookup lookup) {
        return new Lookup() {
            @Override
            public String expanded(String name) {
                return lookup.defined(name) ? "" : null;
            }

            @Override
            public boolean defined(String name) {
                return lookup.defined(name);
            }
        };
    }

    private static String value(String owner, String name, Lookup lookup) {
        String value = lookup.expanded(name);
        if (value == null) {
            throw new Failure(owner, "undefined parameter \"" + name + "\"" + Parameters.didYouMean(name));
        }
        return value;
    }

    /** Index of the bracket closing the one at {@code open}, counting nested brackets of the same kind. */
    private static int matchingClose(String text, int open) {
        char opening = text.charAt(open);
        char closing = opening == '{' ? '}' : ')';
        int depth = 0;
        for (int i = open; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == opening) {
                depth++;
            } else if (c == closing && --depth == 0) {
                return i;
            }
        }
        return -1;
    }

    private static boolean isNameChar(char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
    }
}
