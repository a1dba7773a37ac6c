package dev.postern.qmgr;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.SequenceInputStream;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.function.Supplier;

import javax.mail.MessagingException;
import javax.mail.Session;
import javax.mail.internet.MimeMessage;

import org.apache.james.core.MailAddress;
import org.apache.james.core.MaybeSender;
import org.apache.james.server.core.MailImpl;
import org.apache.mailet.Mail;
import org.apache.mailet.MailetContext;

import dev.postern.delivery.local.Forwarder;
import dev.postern.log.MailEvent;
import dev.postern.log.MailLog;
import dev.postern.queue.MessageTimes;
import dev.postern.queue.QueueIdGenerator;

/**
 * Local delivery's {@link Forwarder} in a mailet container: the aliased message goes back to the
 * root processor as a new mail under a new queue ID (so cleanup, routing and the queue manager treat
 * it like any other), logged as Postfix logs a new message ({@code cleanup: message-id=},
 * {@code qmgr: from=..., nrcpt=N (queue active)}). The prepended headers are written before the
 * original bytes, which are otherwise left as they are.
 */
public final class MailetForwarder implements Forwarder {
    private final Supplier<MailetContext> context;
    private final QueueIdGenerator queueIds;
    private final MailLog mailLog;
    private final Clock clock;

    public MailetForwarder(Supplier<MailetContext> context, QueueIdGenerator queueIds, MailLog mailLog, Clock clock) {
        this.context = context;
        this.queueIds = queueIds;
        this.mailLog = mailLog;
        this.clock = clock;
    }

    @Override
    public String forward(Mail original, String queueId, MaybeSender sender, List<MailAddress> recipients,
                          byte[] prepended) throws MessagingException {
        ByteArrayOutputStream content = new ByteArrayOutputStream();
        try {
            original.getMessage().writeTo(content);
        } catch (IOException e) {
            throw new MessagingException(queueId + ": cannot read the message to forward: " + e.getMessage(), e);
        }
        MimeMessage message = new MimeMessage(Session.getDefaultInstance(new java.util.Properties()),
            new SequenceInputStream(new ByteArrayInputStream(prepended), new ByteArrayInputStream(content.toByteArray())));
        String newId = queueIds.next();
        MailImpl copy = MailImpl.builder()
            .name(newId)
            .sender(sender)
            .addRecipients(recipients)
            .mimeMessage(message)
            .build();
        Instant now = clock.instant();
        MessageTimes.stamp(copy, now, now);
        mailLog.log("cleanup", newId, "message-id=" + message.getHeader("Message-ID", null));
        mailLog.log("qmgr", newId, "from=<" + sender.asString("") + ">, size=" + copy.getMessageSize() + ", nrcpt="
            + recipients.size() + " (queue active)", new MailEvent.Received(copy.getMessageSize(), recipients.size()));
        context.get().sendMail(copy);
        return newId;
    }
}
