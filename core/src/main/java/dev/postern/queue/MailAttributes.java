package dev.postern.queue;

import org.apache.mailet.AttributeName;

/**
 * Every mail attribute Postern defines, in one place: the names carry decisions from the SMTP
 * dialogue to the mail pipeline and delivery state from one attempt to the next, and the file
 * queue persists them with the message (so a renamed attribute is a queue format change).
 * Every module, and site-policy matchers in conf/mailetcontainer.xml, agree on these names.
 */
public final class MailAttributes {
    /** An access(5) HOLD result: the mail goes to the hold repository. Value: the reason text. */
    public static final AttributeName HOLD = AttributeName.of("dev.postern.hold");
    /**
     * An address verification probe (Postfix's verify(8)): routed like any mail, but the delivery agents
     * only find out whether they could deliver it (smtp stops after RCPT TO) and nothing is ever
     * delivered, deferred again or bounced.
     */
    public static final AttributeName ADDRESS_PROBE = AttributeName.of("dev.postern.address-probe");

    /** Whether {@code mail} is an address verification probe. */
    public static boolean isProbe(org.apache.mailet.Mail mail) {
        return mail.getAttribute(ADDRESS_PROBE).isPresent();
    }
    /** An access(5) DISCARD result: the mail is accepted and dropped. Value: the reason text. */
    public static final AttributeName DISCARD = AttributeName.of("dev.postern.discard");
    /** An access(5) REDIRECT result: the one address that replaces every recipient. Value: the address. */
    public static final AttributeName REDIRECT = AttributeName.of("dev.postern.redirect");
    /** access(5) BCC results: addresses that get a copy. Value: a list of address strings. */
    public static final AttributeName BCC = AttributeName.of("dev.postern.bcc");
    /**
     * Postfix's {@code orig_to}: the recipient as it was before virtual alias expansion, for
     * the delivery log's {@code orig_to=<a>}. Value: a map from a final recipient address
     * ({@code MailAddress.asString()}) to the original address it came from; recipients that
     * were not rewritten have no entry.
     */
    public static final AttributeName ORIG_TO = AttributeName.of("dev.postern.orig-to");

    /**
     * An access(5) or header/body check FILTER result: {@code transport:destination} that every
     * recipient of the message is routed to instead of its own route (Postfix's content filter).
     */
    public static final AttributeName FILTER = AttributeName.of("dev.postern.filter");
    /** Delivery attempts a deferred mail has had so far. Value: a Long. */
    public static final AttributeName DELIVERY_ATTEMPTS = AttributeName.of("dev.postern.attempts");
    /** Why each recipient of a deferred mail is waiting: a map from recipient to {@code D.S.N text}. */
    public static final AttributeName DEFER_REASONS = AttributeName.of("dev.postern.defer-reasons");
    /** Set once the sender of a deferred mail has had its delay warning. Value: true. */
    public static final AttributeName DELAY_WARNED = AttributeName.of("dev.postern.delay-warned");

    /**
     * When the message may first be delivered: an RFC 4865 {@code HOLDFOR}/{@code HOLDUNTIL} request or
     * {@code postern super -h QID --until TIME}. The queue manager keeps the mail queued until then;
     * {@code postern super -r} removes it. Value: an ISO-8601 instant (a String).
     */
    public static final AttributeName RELEASE_AT = AttributeName.of("dev.postern.release-at");

    /** When the message arrived (the SMTP connection's start), epoch milliseconds; see {@link MessageTimes}. */
    public static final AttributeName ARRIVAL = AttributeName.of("dev.postern.arrival");
    /** When the message was queued (the end of DATA), epoch milliseconds; see {@link MessageTimes}. */
    public static final AttributeName QUEUED = AttributeName.of("dev.postern.queued");
    /**
     * The queue a message on hold came from ({@code postern super -h}), so that a release puts it
     * back there; absent for mail held by an access(5) HOLD, which was never queued. Value: a queue name.
     */
    public static final AttributeName HELD_FROM = AttributeName.of("dev.postern.held-from");

    /**
     * The class of mail Postern made itself, for {@code internal_mail_filter_classes}: {@code bounce}
     * on delivery status notifications. Removed once the {@code non_smtpd_milters} have seen the mail,
     * so that a requeued notice is not filtered twice. Value: the class name.
     */
    public static final AttributeName INTERNAL_MAIL_CLASS = AttributeName.of("dev.postern.internal-mail-class");

    private MailAttributes() {
    }
}
