package dev.postern.restrictions;

import java.util.Objects;

/**
 * An SMTP reply as a restriction builds it: {@code code dsn text}, rendered as
 * {@code 554 5.7.1 <x>: Recipient address rejected: Access denied}. {@link #of} applies
 * Postfix's {@code smtpd_check_reject} fix-ups; the canonical constructor takes the parts as is.
 */
public record Reply(int code, String dsn, String text) {
    /** What an invalid code or DSN is replaced with. */
    public static final Reply SERVICE_UNAVAILABLE = new Reply(450, "4.7.1", "Service unavailable");
    private static final int MAX_LINE = 510;

    public Reply {
        Objects.requireNonNull(dsn, "dsn");
        Objects.requireNonNull(text, "text");
    }

    /**
     * A reply with Postfix's checks: a code outside 400-599 or an invalid DSN gives
     * {@code 450 4.7.1 Service unavailable}; the text is made printable and the line cut at
     * 510 characters; the DSN's first digit is forced to the code's.
     */
    public static Reply of(int code, String dsn, String text) {
        if (code < 400 || code > 599 || dsn == null || !isValidDsn(dsn)) {
            return SERVICE_UNAVAILABLE;
        }
        StringBuilder printable = new StringBuilder(text == null ? "" : text);
        for (int i = 0; i < printable.length(); i++) {
            char c = printable.charAt(i);
            if (c < 0x20 || c == 0x7f) {
                printable.setCharAt(i, ' ');
            }
        }
        int room = MAX_LINE - (4 + dsn.length() + 1);
        if (printable.length() > room) {
            printable.setLength(Math.max(room, 0));
        }
        return new Reply(code, dsn, printable.toString()).consistent();
    }

    /**
     * Postfix's {@code dsn_valid}: {@code [245].d{1,3}.d{1,3}} (ASCII digits). Checked by hand
     * rather than with a regular expression: every rejection passes here, and a matcher per
     * reply was a measurable share of a rejected RCPT.
     */
    public static boolean isValidDsn(String dsn) {
        if (dsn.isEmpty() || "245".indexOf(dsn.charAt(0)) < 0) {
            return false;
        }
        int detail = digitsAfterDot(dsn, 1);
        return detail > 0 && digitsAfterDot(dsn, detail) == dsn.length();
    }

    /**
     * @return the index after a dot at {@code start} followed by one to three ASCII digits,
     *         or -1 when {@code text} has no such part there
     */
    private static int digitsAfterDot(String text, int start) {
        if (start >= text.length() || text.charAt(start) != '.') {
            return -1;
        }
        int i = start + 1;
        while (i < text.length() && i - start <= 3 && isAsciiDigit(text.charAt(i))) {
            i++;
        }
        return i - start - 1 >= 1 ? i : -1;
    }

    private static boolean isAsciiDigit(char c) {
        return c >= '0' && c <= '9';
    }

    /** The DSN's first digit made the code's first digit (SMTP wins). */
    public Reply consistent() {
        char first = Integer.toString(code).charAt(0);
        if (dsn.isEmpty() || dsn.charAt(0) == first) {
            return this;
        }
        return new Reply(code, first + dsn.substring(1), text);
    }

    /** {@code soft_bounce=yes}: a 5xx code becomes 4xx, and a 5.x.x DSN 4.x.x. */
    public Reply softBounced() {
        int newCode = code >= 500 && code <= 599 ? code - 100 : code;
        String newDsn = dsn.startsWith("5") ? "4" + dsn.substring(1) : dsn;
        return new Reply(newCode, newDsn, text);
    }

    /**
     * Postfix's {@code smtpd_dsn_fix}: an address-status DSN (X.1.Y) adapted to what is being
     * rejected. Sender: .1.1/.1.4/.1.6 and .1.3 → .1.7, .1.2 → .1.8, .1.5 → .1.0. Recipient:
     * .1.7 → .1.3, .1.8 → .1.2. Anything else (client, HELO, DATA, end-of-data): X.1.Y → X.0.0.
     */
    public static String fixDsn(String dsn, Stage replyClass) {
        if (dsn.length() < 4 || !dsn.startsWith(".1.", 1)) {
            return dsn;
        }
        char first = dsn.charAt(0);
        String detail = dsn.substring(1);
        if (replyClass == Stage.SENDER) {
            return switch (detail) {
                case ".1.1", ".1.4", ".1.6", ".1.3" -> first + ".1.7";
                case ".1.2" -> first + ".1.8";
                case ".1.5" -> first + ".1.0";
                default -> dsn;
            };
        }
        if (replyClass == Stage.RECIPIENT) {
            return switch (detail) {
                case ".1.7" -> first + ".1.3";
                case ".1.8" -> first + ".1.2";
                default -> dsn;
            };
        }
        return first + ".0.0";
    }

    public Reply withDsnFixedFor(Stage replyClass) {
        String fixed = fixDsn(dsn, replyClass);
        return fixed.equals(dsn) ? this : new Reply(code, fixed, text);
    }

    public boolean isPermanent() {
        return code >= 500;
    }

    /** {@code code dsn text}. */
    public String line() {
        return code + " " + dsn + " " + text;
    }

    @Override
    public String toString() {
        return line();
    }
}
