package dev.postern.tables.ldap;

import java.util.Optional;
import java.util.function.UnaryOperator;

/**
 * The {@code %} expansions of Postfix's database table files, in query_filter, search_base and
 * result_format: {@code %%} a percent sign; {@code %s} the whole subject; {@code %u} its local
 * part (all of it without {@code @}); {@code %d} its domain; {@code %1}..{@code %9} the labels
 * of the key's domain counted from the right. In a query the subject is the key, and {@code %S
 * %U %D} are the same as the lower case forms (the key is already folded to lower case); in
 * result_format the subject is the value found, and {@code %S %U %D} (like the digits) stand for
 * the key.
 *
 * <p>An expansion that cannot be made leaves nothing to look up (an empty result, which the table
 * answers as "not found", as Postfix skips the query): {@code %u} of a key with an empty local
 * part, {@code %d} of a subject without {@code @}, {@code %3} of a key with a domain of two labels.
 */
final class KeyExpansion {
    private final String template;

    private KeyExpansion(String template) {
        this.template = template;
    }

    /**
     * @throws IllegalArgumentException naming the bad sequence: a {@code %} followed by anything
     *                                  but {@code % s u d S U D 1-9}, or at the end
     */
    static KeyExpansion parse(String template) {
        for (int i = 0; i < template.length(); i++) {
            if (template.charAt(i) != '%') {
                continue;
            }
            if (i + 1 == template.length()) {
                throw new IllegalArgumentException("\"%\" at the end of \"" + template + "\"");
            }
            char c = template.charAt(++i);
            if ("%sudSUD123456789".indexOf(c) < 0) {
                throw new IllegalArgumentException("invalid expansion \"%" + c + "\" in \"" + template + "\"");
            }
        }
        return new KeyExpansion(template);
    }

    /** Whether the template uses the subject or key at all (a constant filter matches any key). */
    boolean isConstant() {
        return template.replace("%%", "").indexOf('%') < 0;
    }

    /** The template with the key expanded and escaped, or empty when an expansion cannot be made. */
    Optional<String> expandKey(String key, UnaryOperator<String> escape) {
        return expand(key, key, escape);
    }

    /** result_format: lower case expansions take {@code value}, upper case and digits the key. */
    Optional<String> expandResult(String value, String key) {
        return expand(value, key, UnaryOperator.identity());
    }

    private Optional<String> expand(String subject, String key, UnaryOperator<String> escape) {
        StringBuilder out = new StringBuilder(template.length() + subject.length());
        for (int i = 0; i < template.length(); i++) {
            char c = template.charAt(i);
            if (c != '%') {
                out.append(c);
                continue;
            }
            char what = template.charAt(++i);
            String text = switch (what) {
                case '%' -> "%";
                case 's' -> subject;
                case 'S' -> key;
                case 'u' -> localPart(subject);
                case 'U' -> localPart(key);
                case 'd' -> domain(subject);
                case 'D' -> domain(key);
                default -> label(key, what - '0');
            };
            if (text == null) {
                return Optional.empty();
            }
            out.append(what == '%' ? text : escape.apply(text));
        }
        return Optional.of(out.toString());
    }

    private static String localPart(String subject) {
        int at = subject.lastIndexOf('@');
        String local = at < 0 ? subject : subject.substring(0, at);
        return local.isEmpty() ? null : local;
    }

    private static String domain(String subject) {
        int at = subject.lastIndexOf('@');
        return at < 0 || at == subject.length() - 1 ? null : subject.substring(at + 1);
    }

    private static String label(String key, int fromRight) {
        String domain = domain(key);
        if (domain == null) {
            return null;
        }
        String[] labels = domain.split("\\.", -1);
        return fromRight > labels.length ? null : labels[labels.length - fromRight];
    }
}
