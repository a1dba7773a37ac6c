package dev.postern.tables.ldap;

import javax.naming.ldap.Rdn;

/**
 * Escapes a lookup key, or part of one, before it is put into LDAP syntax, so that a key can
 * never add syntax of its own: in a search filter as RFC 4515 requires ({@code * ( ) \} and NUL
 * as {@code \XX}), in a DN (search_base) as RFC 4514 requires.
 */
final class LdapEscaping {
    private LdapEscaping() {
    }

    static String filterValue(String value) {
        StringBuilder out = new StringBuilder(value.length() + 8);
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            switch (c) {
                case '*' -> out.append("\\2a");
                case '(' -> out.append("\\28");
                case ')' -> out.append("\\29");
                case '\\' -> out.append("\\5c");
                case '\0' -> out.append("\\00");
                default -> out.append(c);
            }
        }
        return out.toString();
    }

    static String dnValue(String value) {
        return Rdn.escapeValue(value);
    }
}
