package dev.postern.qmgr;

import java.time.Clock;
import java.time.Instant;

import org.apache.mailet.Mail;

import dev.postern.delivery.OriginalRecipients;
import dev.postern.delivery.RecipientResult;
import dev.postern.log.DeliveryOutcome;
import dev.postern.log.MailLog;
import dev.postern.queue.MailAttributes;
import dev.postern.queue.MessageTimes;

/**
 * Writes a delivery agent's line for one recipient, in the shape pflogsumm parses:
 * {@code QID: to=<r>, orig_to=<o>, relay=R, delay=N, delays=a/b/c/d, dsn=D, status=S (text)}.
 * {@code orig_to} appears when cleanup rewrote the recipient ({@link OriginalRecipients}). The outcome
 * goes to the mail log's observer (the metrics) as fields, with the line.
 */
public final class DeliveryLog {
    private final MailLog mailLog;
    private final Clock clock;

    public DeliveryLog(MailLog mailLog, Clock clock) {
        this.mailLog = mailLog;
        this.clock = clock;
    }

    /**
     * @param start when the queue manager took the mail for this attempt
     */
    public void log(String service, String queueId, Mail mail, Instant start, RecipientResult result) {
        String recipient = result.recipient().asString();
        String origTo = OriginalRecipients.of(mail, result.recipient()).filter(o -> !o.equalsIgnoreCase(recipient)).map(o -> "orig_to=<" + o + ">, ").orElse("");
        Instant connected = result.connected().isBefore(start) ? start : result.connected();
        Instant now = clock.instant();
        String status = status(mail, result);
        mailLog.logDelivery(service, queueId, "to=<" + recipient + ">, " + origTo + "relay=" + result.relay() + ", "
            + MessageTimes.delays(mail, start, connected, now)
            + ", dsn=" + result.dsn() + ", status=" + status + " (" + result.text() + ")",
            new DeliveryOutcome(status, MessageTimes.delay(mail, start, now)));
    }

    /** A probe's result is logged as verify(8) words it: deliverable, or undeliverable (bounced or deferred). */
    private static String status(Mail mail, RecipientResult result) {
        if (!MailAttributes.isProbe(mail)) {
            return result.status().logName();
        }
        return result.status() == RecipientResult.Status.SENT ? "deliverable" : "undeliverable";
    }
}
