package dev.postern.delivery.local;

import java.util.List;

import javax.mail.MessagingException;

import org.apache.james.core.MailAddress;
import org.apache.james.core.MaybeSender;
import org.apache.mailet.Mail;

/**
 * How local delivery hands aliased addresses that are not its own back to the mail pipeline: as a
 * new message (a new queue ID) with the new recipients, the given envelope sender and the given
 * headers prepended ({@code Delivered-To:}, so a forwarding loop is seen when the mail comes back).
 * The queue manager implements it with the mailet context, which a courier cannot reach.
 */
@FunctionalInterface
public interface Forwarder {
    /** For couriers built without a pipeline to forward into: every forward fails (and defers). */
    Forwarder NONE = (original, queueId, sender, recipients, prepended) -> {
        throw new MessagingException("no mail pipeline to forward into");
    };

    /**
     * @param prepended header lines, CRLF-terminated, to put before the original message's headers
     * @return the new message's queue ID, for {@code status=sent (forwarded as QID)}
     */
    String forward(Mail original, String queueId, MaybeSender sender, List<MailAddress> recipients, byte[] prepended)
        throws MessagingException;
}
