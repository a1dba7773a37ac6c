package dev.postern.app.metrics;

import java.util.Locale;

/**
 * The kind of restriction behind an smtpd reject, told from the reply text: a small fixed set, so
 * that the {@code restriction} label stays a handful of values whatever the texts of the tables.
 */
public enum RejectRestriction {
    RELAY_DENIED("relay_denied"),
    UNKNOWN_USER("unknown_user"),
    BLOCKED("blocked"),
    SENDER_REJECTED("sender_rejected"),
    CLIENT_REJECTED("client_rejected"),
    HELO_REJECTED("helo_rejected"),
    OTHER("other");

    private final String label;

    RejectRestriction(String label) {
        this.label = label;
    }

    public String label() {
        return label;
    }

    /**
     * @param reason the reply after its code, without the {@code ; from=<...>} tail, such as
     *               {@code 4.7.1 <r@remote.example>: Relay access denied}
     */
    public static RejectRestriction of(String reason) {
        String text = reason.toLowerCase(Locale.ROOT);
        // DNSBL and RHSBL texts also name the client or sender ("Client host [ip] blocked
        // using ..."), so "blocked" is decided before who was refused.
        if (text.contains("relay access denied")) {
            return RELAY_DENIED;
        }
        if (text.contains(" blocked using ") || text.endsWith(" blocked") || text.contains(" blocked;")) {
            return BLOCKED;
        }
        if (text.contains("user unknown")) {
            return UNKNOWN_USER;
        }
        if (text.contains("sender address rejected")) {
            return SENDER_REJECTED;
        }
        if (text.contains("client host rejected")) {
            return CLIENT_REJECTED;
        }
        if (text.contains("helo command rejected")) {
            return HELO_REJECTED;
        }
        return OTHER;
    }
}
