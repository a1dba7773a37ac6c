package dev.postern.delivery.bounce;

import java.io.IOException;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;

import javax.mail.MessagingException;
import javax.mail.internet.MimeMessage;

import org.apache.james.core.MailAddress;
import org.apache.james.core.MaybeSender;
import org.apache.james.server.core.MailImpl;
import org.apache.mailet.Attribute;
import org.apache.mailet.AttributeValue;
import org.apache.mailet.DsnParameters.Notify;
import org.apache.mailet.DsnParameters;
import org.apache.mailet.Mail;

import dev.postern.config.ComponentParameters;
import dev.postern.delivery.RecipientResult;
import dev.postern.log.MailEvent;
import dev.postern.log.MailLog;
import dev.postern.queue.MailAttributes;
import dev.postern.queue.MessageTimes;
import dev.postern.queue.QueueIdGenerator;

/**
 * Postfix's bounce daemon: turns the results of delivery attempts into the notifications to inject
 * (the caller sends each with {@code MailetContext.sendMail}). One notice per original message and
 * kind covers all of its recipients of that kind; a recipient's DSN NOTIFY decides whether the sender
 * hears of it (none given: FAILURE,DELAY; NEVER: nothing; SUCCESS only when asked for).
 *
 * <p>Notices to the sender have the null sender, so they cannot bounce back. A message with the null
 * sender (a notice that failed) is a double bounce: it goes to {@code 2bounce_notice_recipient} from
 * {@code double_bounce_sender} when {@code notify_classes} has {@code 2bounce}, else it is dropped; a
 * message from {@code double_bounce_sender} (a postmaster notice that failed) is never notified, which
 * ends every loop. {@code notify_classes} {@code bounce} and {@code delay} add a headers-only copy
 * for the postmaster, also from {@code double_bounce_sender}.
 *
 * <p>As a notice does not pass through the SMTP server, this also writes the cleanup and qmgr lines
 * that a received message gets.
 */
public final class Notifier implements Notifications {
    private static final String SERVICE = "bounce";

    private final NotifierSettings settings;
    private final QueueIdGenerator queueIds;
    private final MailLog mailLog;
    private final Clock clock;
    private final DeliveryReport reports;

    public Notifier(NotifierSettings settings, QueueIdGenerator queueIds, MailLog mailLog, Clock clock) {
        this.settings = settings;
        this.queueIds = queueIds;
        this.mailLog = mailLog;
        this.clock = clock;
        this.reports = new DeliveryReport(settings, clock.getZone());
    }

    public static Notifier from(ComponentParameters parameters, QueueIdGenerator queueIds, MailLog mailLog, Clock clock) {
        return new Notifier(NotifierSettings.from(parameters), queueIds, mailLog, clock);
    }

    /**
     * Non-delivery notices for recipients that failed: BOUNCED results, and DEFERRED results whose
     * queue lifetime ran out (expired; reported as failed with their last temporary status, as Postfix
     * does).
     */
    public List<Mail> nonDelivery(Mail original, String queueId, List<RecipientResult> failed) throws MessagingException {
        if (failed.isEmpty()) {
            return List.of();
        }
        if (isFromDoubleBounceSender(original)) {
            mailLog.log(SERVICE, queueId, "undeliverable postmaster notification discarded");
            return List.of();
        }
        List<Mail> notices = new ArrayList<>();
        if (original.getMaybeSender().isNullSender()) {
            if (!settings.notifies("2bounce")) {
                mailLog.log(SERVICE, queueId, "undeliverable bounce discarded: notify_classes has no 2bounce");
                return List.of();
            }
            notices.add(notice(NoticeKind.FAILURE, true, original, queueId, failed, settings.twoBounceNoticeRecipient(),
                MaybeSender.of(settings.doubleBounceSender()), returnFull(NoticeKind.FAILURE, original)));
            return notices;
        }
        senderNotice(NoticeKind.FAILURE, original, queueId, failed).ifPresent(notices::add);
        if (settings.notifies("bounce")) {
            notices.add(notice(NoticeKind.FAILURE, true, original, queueId, failed, settings.bounceNoticeRecipient(),
                MaybeSender.of(settings.doubleBounceSender()), false));
        }
        return notices;
    }

    /** Delay warnings for recipients still deferred; the caller decides when (delay_warning_time). */
    public List<Mail> delayWarning(Mail original, String queueId, List<RecipientResult> delayed) throws MessagingException {
        if (delayed.isEmpty() || isFromDoubleBounceSender(original)) {
            return List.of();
        }
        List<Mail> notices = new ArrayList<>();
        if (!original.getMaybeSender().isNullSender()) {
            senderNotice(NoticeKind.DELAY, original, queueId, delayed).ifPresent(notices::add);
        }
        if (settings.notifies("delay")) {
            notices.add(notice(NoticeKind.DELAY, true, original, queueId, delayed, settings.delayNoticeRecipient(),
                MaybeSender.of(settings.doubleBounceSender()), false));
        }
        return notices;
    }

    /** Delivery status notices for delivered recipients whose NOTIFY has SUCCESS. */
    public List<Mail> success(Mail original, String queueId, List<RecipientResult> delivered) throws MessagingException {
        if (original.getMaybeSender().isNullSender() || isFromDoubleBounceSender(original)) {
            return List.of();
        }
        return senderNotice(NoticeKind.SUCCESS, original, queueId, delivered).stream().toList();
    }

    private Optional<Mail> senderNotice(NoticeKind kind, Mail original, String queueId, List<RecipientResult> results)
            throws MessagingException {
        List<RecipientResult> wanted = results.stream()
            .filter(result -> notifyOf(original, result.recipient()).contains(kind.dsnNotify()))
            .toList();
        if (wanted.isEmpty()) {
            return Optional.empty();
        }
        MailAddress sender = original.getMaybeSender().get();
        return Optional.of(notice(kind, false, original, queueId, wanted, sender, MaybeSender.nullSender(),
            returnFull(kind, original)));
    }

    /**
     * RFC 3461 NOTIFY of one recipient; without one, FAILURE,DELAY (an MTA's default for mail that did
     * not ask).
     */
    private static EnumSet<Notify> notifyOf(Mail original, MailAddress recipient) {
        return original.dsnParameters()
            .map(dsn -> dsn.getRcptParameters().get(recipient))
            .flatMap(DsnParameters.RecipientDsnParameters::getNotifyParameter)
            .orElseGet(() -> EnumSet.of(Notify.FAILURE, Notify.DELAY));
    }

    /**
     * The whole original comes back only in a non-delivery notice, when RET is not HDRS and it fits in
     * bounce_size_limit; delay and success notices carry the headers, as Postfix's do.
     */
    private boolean returnFull(NoticeKind kind, Mail original) throws MessagingException {
        if (kind != NoticeKind.FAILURE) {
            return false;
        }
        boolean headersAsked = original.dsnParameters()
            .flatMap(DsnParameters::getRetParameter)
            .filter(ret -> ret == DsnParameters.Ret.HDRS)
            .isPresent();
        return !headersAsked && original.getMessageSize() <= settings.bounceSizeLimit();
    }

    private boolean isFromDoubleBounceSender(Mail original) {
        return original.getMaybeSender().asOptional()
            .filter(sender -> sender.asString().equalsIgnoreCase(settings.doubleBounceSender().asString()))
            .isPresent();
    }

    private Mail notice(NoticeKind kind, boolean postmasterCopy, Mail original, String queueId, List<RecipientResult> results,
                        MailAddress to, MaybeSender from, boolean returnFull) throws MessagingException {
        Instant now = clock.instant();
        String noticeId = queueIds.next();
        MimeMessage message;
        try {
            message = reports.write(new ReportRequest(kind, postmasterCopy, original, queueId, noticeId, results, to,
                arrival(original, queueId, now), now, returnFull));
        } catch (IOException e) {
            throw new MessagingException(queueId + ": cannot read the original message for its " + kind.logText(postmasterCopy), e);
        }
        MailImpl notice = MailImpl.builder()
            .name(noticeId)
            .sender(from)
            .addRecipient(to)
            .mimeMessage(message)
            .build();
        MessageTimes.stamp(notice, now, now);
        // Postfix's internal_mail_filter_classes: every notice of bounce(8) is of the class "bounce"
        notice.setAttribute(new Attribute(MailAttributes.INTERNAL_MAIL_CLASS, AttributeValue.of("bounce")));
        mailLog.log("cleanup", noticeId, "message-id=" + message.getHeader("Message-ID", null));
        if (kind == NoticeKind.FAILURE && !postmasterCopy) {
            mailLog.log(SERVICE, queueId, kind.logText(postmasterCopy) + ": " + noticeId, new MailEvent.Bounce());
        } else {
            // delay and success notices, and the postmaster's copies, are not counted as bounces
            mailLog.log(SERVICE, queueId, kind.logText(postmasterCopy) + ": " + noticeId);
        }
        mailLog.log("qmgr", noticeId, "from=<" + from.asString("") + ">, size=" + notice.getMessageSize() + ", nrcpt=1 (queue active)",
            new MailEvent.Received(notice.getMessageSize(), 1));
        return notice;
    }

    /** The original's arrival: stamped when it was received, else read back from its queue ID, else now. */
    private static Instant arrival(Mail original, String queueId, Instant now) {
        return original.getAttribute(MailAttributes.ARRIVAL)
            .map(Attribute::getValue)
            .map(AttributeValue::getValue)
            .filter(Long.class::isInstance)
            .map(millis -> Instant.ofEpochMilli((Long) millis))
            .or(() -> QueueIdGenerator.arrivalOf(queueId, now))
            .orElse(now);
    }
}
