package dev.postern.restrictions;

/**
 * The SMTP command being checked, which is also the "reply class" of a restriction list: the
 * {@code CLASS} and {@code NAME} of Postfix's {@code <NAME>: CLASS rejected: TEXT} replies.
 */
public enum Stage {
    CLIENT("Client host"),
    HELO("Helo command"),
    SENDER("Sender address"),
    RECIPIENT("Recipient address"),
    DATA("Data command"),
    END_OF_DATA("End-of-data");

    private final String replyClass;

    Stage(String replyClass) {
        this.replyClass = replyClass;
    }

    /** {@code Client host}, {@code Helo command}, ... as in Postfix's replies. */
    public String replyClass() {
        return replyClass;
    }

    /** Whether this class names an address (sender, recipient), for the DSN fix-up. */
    boolean isAddress() {
        return this == SENDER || this == RECIPIENT;
    }

    /**
     * The class of a standard restriction-list parameter: {@code smtpd_client_restrictions} →
     * CLIENT, ..., {@code smtpd_relay_restrictions} and {@code smtpd_recipient_restrictions} →
     * RECIPIENT.
     *
     * @throws IllegalArgumentException for any other parameter name
     */
    public static Stage ofParameter(String parameter) {
        return switch (parameter) {
            case "smtpd_client_restrictions" -> CLIENT;
            case "smtpd_helo_restrictions" -> HELO;
            case "smtpd_sender_restrictions" -> SENDER;
            case "smtpd_relay_restrictions", "smtpd_recipient_restrictions" -> RECIPIENT;
            case "smtpd_data_restrictions" -> DATA;
            case "smtpd_end_of_data_restrictions" -> END_OF_DATA;
            default -> throw new IllegalArgumentException(parameter + ": not a restriction list parameter; give its stage explicitly");
        };
    }
}
