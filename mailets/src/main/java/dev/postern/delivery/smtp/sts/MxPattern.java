package dev.postern.delivery.smtp.sts;

import java.util.Locale;

/**
 * One {@code mx:} line of an MTA-STS policy: a host name, or {@code *.} and a domain, which stands
 * for exactly one more label on the left (RFC 8461 §4.1: {@code *.example.com} matches
 * {@code mx1.example.com}, neither {@code example.com} nor {@code a.b.example.com}).
 */
public record MxPattern(String pattern) {

    public MxPattern {
        pattern = withoutDot(pattern.trim().toLowerCase(Locale.ROOT));
        String name = pattern.startsWith("*.") ? pattern.substring(2) : pattern;
        if (name.isEmpty() || name.contains("*") || name.startsWith(".") || name.contains("..")) {
            throw new IllegalArgumentException("not an MX host pattern: \"" + pattern + "\"");
        }
    }

    /** Whether the MX host {@code host} (any case, with or without its final dot) is allowed. */
    public boolean matches(String host) {
        String name = withoutDot(host.toLowerCase(Locale.ROOT));
        if (!pattern.startsWith("*.")) {
            return name.equals(pattern);
        }
        String parent = pattern.substring(1);
        if (!name.endsWith(parent)) {
            return false;
        }
        String label = name.substring(0, name.length() - parent.length());
        return !label.isEmpty() && !label.contains(".");
    }

    private static String withoutDot(String name) {
        return name.endsWith(".") ? name.substring(0, name.length() - 1) : name;
    }

    @Override
    public String toString() {
        return pattern;
    }
}
