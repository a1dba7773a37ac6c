package dev.postern.mailets;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Locale;
import java.util.concurrent.TimeUnit;

import javax.mail.MessagingException;

import org.apache.james.core.MailAddress;
import org.apache.mailet.Mail;
import org.apache.mailet.MailetContext;

import dev.postern.log.DeliveryOutcome;
import dev.postern.log.MailLog;
import dev.postern.queue.MessageTimes;
import dev.postern.queue.QueueIdGenerator;

/**
 * What cleanup does when it cannot finish a message (a table lookup failed, an alias expansion
 * ran over a limit): nothing is changed, the whole mail waits {@code minimal_backoff_time} and
 * goes through the same stage again. A copy, exactly as the mail was, is handed to the retry
 * processor with that delay and the original becomes a ghost; each recipient gets Postfix's
 * {@code relay=none ... status=deferred} log line.
 */
final class CleanupDeferral {
    private static final String SERVICE = "qmgr";

    private final MailLog mailLog;
    private final Clock clock;
    private final QueueIdGenerator unique;
    private final String processor;
    private final Duration delay;

    CleanupDeferral(MailLog mailLog, Clock clock, QueueIdGenerator unique, String processor, Duration delay) {
        this.mailLog = mailLog;
        this.clock = clock;
        this.unique = unique;
        this.processor = processor;
        this.delay = delay;
    }

    /**
     * @param dsn  the enhanced status code, such as {@code 4.6.0}
     * @param text the reason in the log line, such as {@code Alias expansion error}
     * @throws MessagingException when the copy could not be handed on: the original is then left
     *                            as it was, for the container's error handling to keep
     */
    void defer(Mail mail, MailetContext context, Instant start, String dsn, String text) throws MessagingException {
        String queueId = QueueIdGenerator.queueIdOf(mail.getName());
        Mail copy = mail.duplicate();
        copy.setName(queueId + "-cleanup-" + Long.toHexString(unique.nextValue()).toUpperCase(Locale.ROOT));
        context.sendMail(copy, processor, Math.max(0, delay.toSeconds()), TimeUnit.SECONDS);
        Instant now = clock.instant();
        for (MailAddress recipient : mail.getRecipients()) {
            mailLog.logDelivery(SERVICE, queueId, "to=<" + recipient.asString() + ">, relay=none, "
                + MessageTimes.delays(mail, start, now, now) + ", dsn=" + dsn + ", status=deferred (" + text + ")",
                new DeliveryOutcome("deferred", MessageTimes.delay(mail, start, now)));
        }
        mail.setState(Mail.GHOST);
    }
}
