package dev.postern.rewrite;

import java.util.regex.Pattern;

/**
 * Between the written (external) form of an address, whose local part may be quoted
 * ({@code "john doe"@example.com}), and the internal form Postfix looks addresses up by
 * (the local part unquoted).
 */
public final class Addresses {
    private static final Pattern DOT_ATOM = Pattern.compile("[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+(\\.[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+)*");

    private Addresses() {
    }

    public static String internal(String external) {
        int at = external.lastIndexOf('@');
        String local = at < 0 ? external : external.substring(0, at);
        if (local.length() < 2 || !local.startsWith("\"") || !local.endsWith("\"")) {
            return external;
        }
        StringBuilder out = new StringBuilder(external.length());
        for (int i = 1; i < local.length() - 1; i++) {
            char c = local.charAt(i);
            if (c == '\\' && i + 1 < local.length() - 1) {
                c = local.charAt(++i);
            }
            out.append(c);
        }
        return out + (at < 0 ? "" : external.substring(at));
    }

    public static String external(String internal) {
        int at = internal.lastIndexOf('@');
        String local = at < 0 ? internal : internal.substring(0, at);
        if (local.isEmpty() || DOT_ATOM.matcher(local).matches()) {
            return internal;
        }
        return "\"" + local.replace("\\", "\\\\").replace("\"", "\\\"") + "\"" + (at < 0 ? "" : internal.substring(at));
    }
}
