package dev.postern.tables.sql;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import dev.postern.config.ConfigException;

/**
 * The {@code query} of a SQL table, turned into a prepared statement so that a lookup key cannot
 * change the statement's meaning, whatever quotes, {@code %}, backslashes or semicolons it holds.
 *
 * <p>Postfix pastes the escaped key into the query text. Postern instead replaces every string
 * literal that holds an expansion ({@code '%s'}, {@code '%u@%d'}, {@code '%%%s'} for LIKE...) by
 * one bound parameter whose value is the literal's text with the expansions done, and an
 * expansion standing alone outside quotes ({@code WHERE id = %s}) by a bound parameter too. The
 * database thus receives the same value as Postfix's quoted text would give, never as SQL. An
 * expansion glued to a word outside quotes ({@code FROM users_%d}) cannot be a parameter and is
 * refused when the file is read. {@code %%} outside a literal that gets bound stays a literal
 * {@code %}.
 *
 * <p>String literals: {@code '...'} with {@code ''} for a quote in every dialect; MySQL also
 * {@code "..."} and backslash escapes.
 */
final class QueryTemplate {
    /** A piece of a bound value: fixed text, or an expansion of the key. */
    private record Piece(String text, char spec) {
        static Piece text(String text) {
            return new Piece(text, '\0');
        }

        static Piece expansion(char spec) {
            return new Piece(null, spec);
        }

        boolean isExpansion() {
            return text == null;
        }
    }

    private final String sql;
    private final List<List<Piece>> parameters;

    private QueryTemplate(String sql, List<List<Piece>> parameters) {
        this.sql = sql;
        this.parameters = parameters;
    }

    /** The statement text, with a {@code ?} for each bound value. */
    String sql() {
        return sql;
    }

    /**
     * The bound values for {@code key}, in order; empty when an expansion has nothing to give
     * ({@code %d} of a key without domain...): Postfix then does not query at all.
     */
    Optional<List<String>> parameters(String key) {
        KeyParts parts = new KeyParts(key);
        List<String> values = new ArrayList<>(parameters.size());
        for (List<Piece> pieces : parameters) {
            StringBuilder value = new StringBuilder();
            for (Piece piece : pieces) {
                if (!piece.isExpansion()) {
                    value.append(piece.text());
                    continue;
                }
                Optional<String> part = parts.part(piece.spec());
                if (part.isEmpty()) {
                    return Optional.empty();
                }
                value.append(part.get());
            }
            values.add(value.toString());
        }
        return Optional.of(values);
    }

    /**
     * @param where {@code FILE:LINE} of the query, for errors
     * @throws ConfigException for an unknown {@code %x}, an unterminated literal or an expansion glued to a word
     */
    static QueryTemplate parse(String query, SqlDialect dialect, String where) throws ConfigException {
        StringBuilder sql = new StringBuilder();
        List<List<Piece>> parameters = new ArrayList<>();
        int i = 0;
        while (i < query.length()) {
            char c = query.charAt(i);
            if (c == '\'' || c == '"' && dialect.doubleQuotedStrings()) {
                i = literal(query, i, dialect, where, sql, parameters);
            } else if (c == '%') {
                i = bareExpansion(query, i, where, sql, parameters);
            } else {
                sql.append(c);
                i++;
            }
        }
        return new QueryTemplate(sql.toString(), List.copyOf(parameters));
    }

    /** A string literal from its opening quote at {@code start}; returns the index after it. */
    private static int literal(String query, int start, SqlDialect dialect, String where, StringBuilder sql,
                               List<List<Piece>> parameters) throws ConfigException {
        char quote = query.charAt(start);
        List<Piece> pieces = new ArrayList<>();
        StringBuilder text = new StringBuilder();
        int i = start + 1;
        while (true) {
            if (i >= query.length()) {
                throw new ConfigException(where + ": query: string literal not terminated: " + query.substring(start));
            }
            char c = query.charAt(i);
            if (c == quote && i + 1 < query.length() && query.charAt(i + 1) == quote) {
                text.append(quote);
                i += 2;
            } else if (c == quote) {
                i++;
                break;
            } else if (c == '\\' && dialect.backslashEscapes() && i + 1 < query.length()) {
                char escaped = query.charAt(i + 1);
                if (escaped == '%' || escaped == '_') {
                    text.append('\\'); // MySQL keeps \% and \_ whole, for LIKE
                }
                text.append(unescape(escaped));
                i += 2;
            } else if (c == '%') {
                char spec = spec(query, i, where);
                if (spec == '%') {
                    text.append('%');
                } else {
                    pieces.add(Piece.text(text.toString()));
                    text.setLength(0);
                    pieces.add(Piece.expansion(spec));
                }
                i += 2;
            } else {
                text.append(c);
                i++;
            }
        }
        if (pieces.isEmpty()) {
            // No expansion: the literal stays in the statement as written, but for %% (now %).
            sql.append(query.substring(start, i).replace("%%", "%"));
            return i;
        }
        pieces.add(Piece.text(text.toString()));
        sql.append('?');
        parameters.add(List.copyOf(pieces));
        return i;
    }

    private static char unescape(char c) {
        return switch (c) {
            case '0' -> '\0';
            case 'n' -> '\n';
            case 'r' -> '\r';
            case 't' -> '\t';
            case 'b' -> '\b';
            case 'Z' -> '\032';
            default -> c;
        };
    }

    /** An expansion outside quotes: a bound value of its own when it stands alone as a word. */
    private static int bareExpansion(String query, int start, String where, StringBuilder sql,
                                     List<List<Piece>> parameters) throws ConfigException {
        char spec = spec(query, start, where);
        if (spec == '%') {
            sql.append('%');
            return start + 2;
        }
        List<Piece> pieces = new ArrayList<>();
        int i = start;
        while (i + 1 < query.length() && query.charAt(i) == '%' && KeyParts.isSpec(query.charAt(i + 1))) {
            pieces.add(Piece.expansion(query.charAt(i + 1)));
            i += 2;
        }
        boolean gluedBefore = start > 0 && isWordChar(query.charAt(start - 1));
        boolean gluedAfter = i < query.length() && isWordChar(query.charAt(i));
        if (gluedBefore || gluedAfter) {
            throw new ConfigException(where + ": query: " + query.substring(start, i) + " is part of a word outside"
                + " quotes, where the key could add SQL; put it in a string literal ('" + query.substring(start, i)
                + "') or use it as a whole value");
        }
        sql.append('?');
        parameters.add(List.copyOf(pieces));
        return i;
    }

    private static boolean isWordChar(char c) {
        return Character.isLetterOrDigit(c) || c == '_' || c == '$' || c == '.' || c == '%' || c == '`';
    }

    /** The character after the {@code %} at {@code at}, checked. */
    private static char spec(String query, int at, String where) throws ConfigException {
        if (at + 1 >= query.length()) {
            throw new ConfigException(where + ": query: % at the end of the query (write %% for a literal %)");
        }
        char c = query.charAt(at + 1);
        if (c != '%' && !KeyParts.isSpec(c)) {
            throw new ConfigException(where + ": query: unknown expansion %" + c
                + " (known: %s %u %d %1-%9 %S %U %D %%)");
        }
        return c;
    }
}
