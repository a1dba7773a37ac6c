package dev.postern.delivery;

import java.time.Instant;
import java.util.List;

import org.apache.james.core.MailAddress;
import org.apache.mailet.Mail;

import dev.postern.delivery.route.Route;

/**
 * One delivery request: the recipients of {@code mail} that share {@code route}. The courier reads
 * the envelope sender ({@code mail.getMaybeSender()}), the message ({@code mail.getMessage()}) and
 * the DSN parameters ({@code mail.dsnParameters()}: NOTIFY, ORCPT, RET, ENVID) from the mail, and
 * delivers only to {@code recipients}, never to the mail's other recipients.
 *
 * @param queueId the message's queue ID, for log lines and the couriers' own diagnostics
 * @param start when the queue manager began this delivery (the end of delays' "b" part)
 */
public record Delivery(String queueId, Mail mail, List<MailAddress> recipients, Route route, Instant start) {
    public Delivery {
        recipients = List.copyOf(recipients);
    }
}
