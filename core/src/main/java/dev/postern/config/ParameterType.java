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
