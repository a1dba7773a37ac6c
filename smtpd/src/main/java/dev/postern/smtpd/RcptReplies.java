package dev.postern.smtpd;

/**
 * The fixed replies of MAIL FROM and RCPT TO, as the server sends them, for {@code postern explain}, which
 * shows a hypothetical transaction's replies without a session to send them on.
 */
public final class RcptReplies {
    private RcptReplies() {
    }

    /** What {@link RelayGuard} answers for a recipient that the relay and recipient lists did not cover. */
    public static String relayAccessDenied(String recipient) {
        return FixedReply.RELAY_ACCESS_DENIED.line(recipient);
    }

    /** What MAIL FROM answers for a sender that the address resolver finds invalid. */
    public static String badSenderSyntax() {
        return FixedReply.BAD_SENDER_SYNTAX.line();
    }

    /** What the restrictions answer for a recipient that the address resolver finds invalid. */
    public static String badRecipientSyntax() {
        return FixedReply.BAD_RECIPIENT_SYNTAX.line();
    }

    /** What the RCPT hooks answer when a table or the users cannot be asked. */
    public static String temporaryLookupFailure(String address) {
        return FixedReply.TEMPORARY_LOOKUP_FAILURE.line(address);
    }
}
