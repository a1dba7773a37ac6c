package dev.postern.config;

import java.util.Locale;

/**
 * The kind of value a parameter holds. Values are checked after {@code $} expansion, at load
 * time, so a bad value is a startup error rather than a surprise on the first message.
 */
public enum ParameterType {
    /** Free text. */
    STRING,
    /** {@code yes} or {@code no} (case-insensitive, as Postfix compares them). */
    BOOLEAN,
    /** A decimal integer, possibly negative. */
    NUMBER,
    /** A Postfix list: elements separated by commas and/or white space (see {@link PostfixList}). */
    LIST,
    /** A non-negative number of bytes. */
    SIZE,
    /**
     * A Postfix time value: a non-negative number with an optional unit {@code s}, {@code m},
     * {@code h}, {@code d} or {@code w}; without one, seconds (see {@link #toDuration}).
     */
    TIME,
    /** A listener: {@code host:port}, {@code [ipv6]:port}, or empty for "disabled" (see {@link ListenAddress}). */
    LISTEN_ADDRESS,
    /** DNS servers: a list of {@code address[:port]}, {@code [ipv6][:port]}; empty for /etc/resolv.conf (see {@link dev.postern.dns.DnsServer}). */
    DNS_SERVERS,
    /**
     * Text that is not {@code $}-expanded when main.cf is loaded but each time it is used, with
     * names of its own (Postfix's raw parameters, such as {@code default_rbl_reply} with
     * {@code $rbl_domain}).
     */
    RAW;

    /**
     * Checks that an expanded value fits this type.
     *
     * @throws IllegalArgumentException with a message {@code NAME: reason}
     */
    public void check(String name, String value) {
        switch (this) {
            case BOOLEAN -> toBoolean(name, value);
            case NUMBER -> toNumber(name, value);
            case SIZE -> {
                if (toNumber(name, value) < 0) {
                    throw new IllegalArgumentException(
                            name + ": bad numerical value \"" + value + "\" (must not be negative)");
                }
            }
            case TIME -> toDuration(name, value);
            case LISTEN_ADDRESS -> ListenAddress.parse(name, value);
            case DNS_SERVERS -> dev.postern.dns.DnsServer.parseList(name, value);
            case STRING, LIST, RAW -> { }
        }
    }

    /** Postfix's boolean syntax. @throws IllegalArgumentException naming the parameter */
    public static boolean toBoolean(String name, String value) {
        return switch (value.toLowerCase(Locale.ROOT)) {
            case "yes" -> true;
            case "no" -> false;
            default -> throw new IllegalArgumentException(
                    name + ": bad boolean value \"" + value + "\" (expected yes or no)");
        };
    }

    /**
     * Postfix's time syntax ({@code 300s}, {@code 5d}, {@code 0h}, {@code 1w}); a bare number is
     * seconds. @throws IllegalArgumentException naming the parameter
     */
    public static java.time.Duration toDuration(String name, String value) {
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("([0-9]+)([smhdwSMHDW]?)").matcher(value.trim());
        if (!m.matches()) {
            throw new IllegalArgumentException(name + ": bad time value \"" + value
                    + "\" (expected a number with an optional unit s, m, h, d or w)");
        }
        long amount;
        try {
            amount = Long.parseLong(m.group(1));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(name + ": time value \"" + value + "\" is out of range");
        }
        long seconds = switch (m.group(2).toLowerCase(Locale.ROOT)) {
            case "m" -> 60L;
            case "h" -> 3600L;
            case "d" -> 86400L;
            case "w" -> 604800L;
            default -> 1L;
        };
        if (amount > Long.MAX_VALUE / seconds / 1000) {
            throw new IllegalArgumentException(name + ": time value \"" + value + "\" is out of range");
        }
        return java.time.Duration.ofSeconds(amount * seconds);
    }

    /** A decimal integer. @throws IllegalArgumentException naming the parameter */
    static long toNumber(String name, String value) {
        if (!value.matches("-?[0-9]+")) {
            throw new IllegalArgumentException(name + ": bad numerical value \"" + value + "\"");
        }
        try {
            return Long.parseLong(value);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(name + ": numerical value \"" + value + "\" is out of range");
        }
    }
}
