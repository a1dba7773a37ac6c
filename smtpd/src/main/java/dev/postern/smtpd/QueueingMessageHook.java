package dev.postern.smtpd;

import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

import javax.inject.Inject;
import javax.mail.MessagingException;

import org.apache.commons.configuration2.Configuration;
import org.apache.commons.configuration2.ex.ConfigurationException;
import org.apache.james.protocols.smtp.SMTPSession;
import org.apache.james.protocols.smtp.hook.HookResult;
import org.apache.james.queue.api.MailQueue;
import org.apache.james.queue.api.MailQueueFactory;
import org.apache.james.smtpserver.JamesMessageHook;
import org.apache.mailet.Attribute;
import org.apache.mailet.AttributeValue;
import org.apache.mailet.Mail;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.postern.log.MailEvent;
import dev.postern.log.MailLog;
import dev.postern.queue.MailAttributes;
import dev.postern.queue.MessageTimes;

/**
 * Puts an accepted message on the spool queue and answers as Postfix does,
 * {@code 250 2.0.0 Ok: queued as QID}. The mail takes the transaction's queue ID as its
 * name, so the ID in the reply, the {@code Received:} header and the queue are one.
 * The reply is sent only after the queue has the message on disk; if it cannot, the
 * client gets a temporary failure and keeps the message.
 */
public class QueueingMessageHook implements JamesMessageHook {
    private static final Logger LOGGER = LoggerFactory.getLogger(QueueingMessageHook.class);

    private final MailQueueFactory<?> queueFactory;
    private final HookEnvironment environment;
    private MailLog mailLog;
    /** The listener's log, for the queue write time of its messages. */
    private SmtpdLog smtpdLog;
    private MailQueue spool;
    /** Each listener's {@code content_filter}; empty where none is set (as on a re-injection listener). */
    private PerListener<Optional<String>> contentFilter;

    @Inject
    public QueueingMessageHook(MailQueueFactory<?> queueFactory, HookEnvironment environment) {
        this.queueFactory = queueFactory;
        this.environment = environment;
    }

    @Override
    public void init(Configuration config) throws ConfigurationException {
        mailLog = environment.mailLog(environment.parameters(config, this));
        smtpdLog = environment.smtpdLog(config, this);
        spool = queueFactory.createQueue(MailQueueFactory.SPOOL);
        contentFilter = environment.perListener(config, this, parameters ->
            Optional.of(parameters.get("content_filter").strip()).filter(filter -> !filter.isEmpty()));
    }

    @Override
    public HookResult onMessage(SMTPSession session, Mail mail) {
        long endOfData = System.nanoTime();
        String queueId = SessionQueueId.get(session).orElse(mail.getName());
        QueuedLines lines;
        try {
            mail.setName(queueId);
            Instant queued = Instant.now();
            MessageTimes.stamp(mail, SessionQueueId.arrival(session).orElse(queued), queued);
            SessionDecisions.applyTo(session, mail);
            applyContentFilter(session, mail);
            FutureRelease.applyTo(session, mail);
            // everything the log lines need is read before the mail is queued: once it is, nothing
            // may fail and turn the 250 into a 4xx, or the client's retry would deliver it twice
            lines = QueuedLines.of(queueId, mail);
            spool.enQueue(mail);
        } catch (Exception e) {
            LOGGER.error("{}: cannot queue the message: {}", queueId, e.getMessage(), e);
            return FixedReply.QUEUE_FILE_WRITE_ERROR.hookResult();
        }
        lines.log(mailLog);
        smtpdLog.record(session, new MailEvent.QueueWrite(Duration.ofNanos(System.nanoTime() - endOfData)));
        return FixedReply.QUEUED.hookResult(queueId);
    }

    /**
     * Postfix's {@code content_filter}: the mail goes to that {@code transport:destination} before
     * anything else, unless a FILTER action of this transaction chose another (Postfix's FILTER
     * overrides content_filter). The queue manager reads it as it reads a FILTER.
     */
    private void applyContentFilter(SMTPSession session, Mail mail) {
        if (mail.getAttribute(MailAttributes.FILTER).isPresent()) {
            return;
        }
        contentFilter.of(session).ifPresent(filter ->
            mail.setAttribute(new Attribute(MailAttributes.FILTER, AttributeValue.of(filter))));
    }

    /**
     * What Postfix's cleanup and qmgr log when a message enters the queue. Mail on HOLD goes to
     * Postfix's hold queue, which qmgr never reads: it gets cleanup's line only, and qmgr's when it is
     * released. (pflogsumm takes a received message's sender and size from qmgr's line, so a held
     * message with one would be counted in its "Messages Received" tables as if it had moved on.) A
     * DISCARDed message never reaches Postfix's qmgr either.
     */
    private record QueuedLines(String queueId, String cleanup, Optional<String> qmgr, MailEvent.Received received) {
        static QueuedLines of(String queueId, Mail mail) throws MessagingException {
            String messageId = Optional.ofNullable(mail.getMessage().getHeader("Message-ID", null)).orElse("<>").trim();
            Optional<String> qmgr = Optional.empty();
            if (mail.getAttribute(MailAttributes.HOLD).isEmpty() && mail.getAttribute(MailAttributes.DISCARD).isEmpty()) {
                qmgr = Optional.of("from=<" + mail.getMaybeSender().asString("") + ">, size=" + mail.getMessageSize()
                    + ", nrcpt=" + mail.getRecipients().size() + " (queue active)");
            }
            return new QueuedLines(queueId, "message-id=" + messageId, qmgr,
                new MailEvent.Received(mail.getMessageSize(), mail.getRecipients().size()));
        }

        void log(MailLog mailLog) {
            mailLog.log("cleanup", queueId, cleanup);
            qmgr.ifPresent(line -> mailLog.log("qmgr", queueId, line, received));
        }
    }
}
