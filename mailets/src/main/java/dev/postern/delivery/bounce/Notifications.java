package dev.postern.delivery.bounce;

import java.util.List;

import javax.mail.MessagingException;

import org.apache.mailet.Mail;

import dev.postern.delivery.RecipientResult;
import dev.postern.delivery.Recipients;

/**
 * What the queue manager asks of the bounce service: the notification mails that report delivery
 * results to the sender (and, per {@code notify_classes}, the postmaster). The caller injects each
 * returned mail into the mail pipeline.
 */
public interface Notifications {
    /** Recipients that failed for good (bounced, or expired while deferred). */
    List<Mail> nonDelivery(Mail original, String queueId, List<RecipientResult> failed) throws MessagingException;

    /** Recipients still deferred when {@code delay_warning_time} has passed. */
    List<Mail> delayWarning(Mail original, String queueId, List<RecipientResult> delayed) throws MessagingException;

    /** Recipients delivered whose DSN NOTIFY asked for SUCCESS. */
    List<Mail> success(Mail original, String queueId, List<RecipientResult> delivered) throws MessagingException;
}
