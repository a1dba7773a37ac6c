package dev.postern.delivery;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The next hop of the error, retry and discard transports, {@code [D.S.N ]text}, taken apart as
 * Postfix's {@code dsn_split} does: a leading enhanced status code followed by white space (or
 * nothing) is the DSN, the rest the text. A code of the wrong class for the outcome (a
 * {@code 4.x.x} on {@code error:}) gives way to the outcome's default, as Postfix's bounce, defer
 * and sent logs do, so a bounced recipient never carries a 4.x.x code.
 */
record StatusText(String dsn, String text) {
    private static final Pattern DSN = Pattern.compile("([245]\\.[0-9]{1,3}\\.[0-9]{1,3})(?:\\s+|$)(.*)", Pattern.DOTALL);

    /**
     * @param nexthop     the route's next hop
     * @param defaultDsn  the outcome's code when none (or one of another class) is written: 5.0.0, 4.0.0, 2.0.0
     * @param defaultText the text when none is written
     */
    static StatusText parse(String nexthop, String defaultDsn, String defaultText) {
        String value = nexthop.trim();
        String dsn = defaultDsn;
        Matcher matcher = DSN.matcher(value);
        if (matcher.matches()) {
            if (matcher.group(1).charAt(0) == defaultDsn.charAt(0)) {
                dsn = matcher.group(1);
            }
            value = matcher.group(2).trim();
        }
        return new StatusText(dsn, value.isEmpty() ? defaultText : value);
    }
}
