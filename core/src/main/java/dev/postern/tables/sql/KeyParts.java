package dev.postern.tables.sql;

import java.util.Optional;

/**
 * The parts of a string that Postfix's {@code %} expansions take ({@code db_common_expand}):
 * {@code %s} the whole string, {@code %u} the local part of {@code user@domain} (or the whole
 * string without {@code @}), {@code %d} the domain part, {@code %1}..{@code %9} the labels of the
 * domain counted from the right. An expansion that has nothing to give is empty: Postfix then
 * skips the query (or drops the result value), which is "not found", not an error.
 */
final class KeyParts {
    private final String whole;
    private final String local;
    private final String domain;

    KeyParts(String whole) {
        this.whole = whole;
        int at = whole.lastIndexOf('@');
        this.local = at < 0 ? null : whole.substring(0, at);
        this.domain = at < 0 ? null : whole.substring(at + 1);
    }

    /** {@code %s}, {@code %u}, {@code %d} or a digit; empty when the string has no such part. */
    Optional<String> part(char spec) {
        return switch (Character.toLowerCase(spec)) {
            case 's' -> Optional.of(whole);
            case 'u' -> local == null ? Optional.of(whole) : nonEmpty(local);
            case 'd' -> domain == null ? Optional.empty() : nonEmpty(domain);
            default -> label(spec - '0');
        };
    }

    /** The n-th label of the domain from the right ({@code %1} of {@code a@mail.example.com} is com). */
    private Optional<String> label(int n) {
        if (domain == null || domain.isEmpty() || n < 1 || n > 9) {
            return Optional.empty();
        }
        String[] labels = domain.split("\\.", -1);
        if (n > labels.length) {
            return Optional.empty();
        }
        return nonEmpty(labels[labels.length - n]);
    }

    private static Optional<String> nonEmpty(String s) {
        return s.isEmpty() ? Optional.empty() : Optional.of(s);
    }

    /** Whether {@code c} after a {@code %} is an expansion Postfix knows. */
    static boolean isSpec(char c) {
        return "sudSUD".indexOf(c) >= 0 || c >= '1' && c <= '9';
    }
}
