package dev.postern.app.control;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Date;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import javax.inject.Inject;
import javax.mail.MessagingException;

import org.apache.james.mailrepository.api.MailKey;
import org.apache.james.mailrepository.api.MailRepository;
import org.apache.james.mailrepository.api.MailRepositoryStore;
import org.apache.james.mailrepository.api.MailRepositoryUrl;
import org.apache.james.queue.api.MailQueue;
import org.apache.james.queue.api.MailQueueFactory;
import org.apache.james.queue.api.MailQueueName;
import org.apache.james.queue.api.ManageableMailQueue;
import org.apache.james.server.core.MailImpl;
import org.apache.mailet.Attribute;
import org.apache.mailet.AttributeName;
import org.apache.mailet.AttributeValue;
import org.apache.mailet.Mail;

import dev.postern.log.MailEvent;
import dev.postern.log.MailLog;
import dev.postern.queue.MailAttributes;
import dev.postern.queue.QueueIdGenerator;

/**
 * Postfix's queue operations ({@code mailq}, {@code postqueue -f}, {@code postsuper -d/-h/-H/-r}) over
 * James's queues and the hold repository. Every queue the factory made is looked at (the spool, where
 * mail enters the pipeline and where the queue manager leaves deferred mail until it is due); held mail lives in the hold repository, out
 * of every queue, so no retry schedule or expiry ever reaches it.
 *
 * <p>Moves copy before they delete (store in the repository, then remove from the queue; enqueue, then
 * remove from the repository): a crash in between leaves a message twice, never nowhere.
 */
public final class QueueControl {
    public static final MailRepositoryUrl HOLD = MailRepositoryUrl.from("file://var/spool/hold/");
    /** The queue James's mailet container takes new mail from: entering it is entering the pipeline. */
    static final MailQueueName SPOOL = MailQueueFactory.SPOOL;
    private static final String ROOT = Mail.DEFAULT;
    private static final String POSTSUPER = "postsuper";
    /** What is shown for deferred mail whose envelope holds no reason of its own. */
    static final String DEFERRED_REASON = "delivery temporarily failed";
    /** What is shown, before the time, for a message with a release time still ahead. */
    static final String RELEASE_REASON = "held for future release until ";

    private final MailQueueFactory<? extends ManageableMailQueue> queues;
    private final MailRepositoryStore repositories;
    private final Clock clock;
    private final MailLog mailLog;
    private final QueueIdGenerator unique;

    @Inject
    public QueueControl(MailQueueFactory<? extends ManageableMailQueue> queues, MailRepositoryStore repositories,
                        Clock clock, MailLog mailLog, QueueIdGenerator unique) {
        this.unique = unique;
        this.queues = queues;
        this.repositories = repositories;
        this.clock = clock;
        this.mailLog = mailLog;
    }

    /** Every message in the queues and on hold, oldest first. */
    public List<QueueEntry> list() throws MessagingException {
        Instant now = clock.instant();
        List<Listed> listed = new ArrayList<>();
        for (ManageableMailQueue queue : queues()) {
            for (ManageableMailQueue.MailQueueItemView item : browse(queue)) {
                boolean deferred = item.getNextDelivery().map(ZonedDateTime::toInstant)
                    .filter(due -> due.isAfter(now)).isPresent();
                listed.add(listed(item.getMail(), deferred ? QueueEntry.DEFERRED : QueueEntry.ACTIVE, now));
            }
        }
        MailRepository hold = hold();
        for (Iterator<MailKey> keys = hold.list(); keys.hasNext(); ) {
            Optional.ofNullable(hold.retrieve(keys.next()))
                .ifPresent(mail -> listed.add(listed(mail, QueueEntry.HOLD, now)));
        }
        return listed.stream()
            .sorted(Comparator.comparing(Listed::arrival).thenComparing(entry -> entry.entry().queueId()))
            .map(Listed::entry)
            .toList();
    }

    /** An entry with its arrival to the microsecond, so that messages of the same second keep their order. */
    private record Listed(Instant arrival, QueueEntry entry) {
    }

    /** Makes every deferred message due now; returns how many. */
    public long flush() throws MessagingException {
        long count = 0;
        for (ManageableMailQueue queue : queues()) {
            count += queue.flush();
        }
        return count;
    }

    public long delete(QueueSelection selection) throws MessagingException {
        long count = 0;
        for (ManageableMailQueue queue : queues()) {
            for (String name : names(queue, selection)) {
                count += queue.remove(ManageableMailQueue.Type.Name, name);
            }
        }
        MailRepository hold = hold();
        for (MailKey key : keys(hold, selection)) {
            hold.remove(key);
            logAction(key, "removed");
            count++;
        }
        return count;
    }

    /** Moves the selected queued messages to the hold repository, remembering their queue. */
    public long hold(QueueSelection selection) throws MessagingException {
        MailRepository hold = hold();
        long count = 0;
        for (ManageableMailQueue queue : queues()) {
            for (Mail mail : mails(queue, selection)) {
                mail.setAttribute(new Attribute(MailAttributes.HELD_FROM, AttributeValue.of(queue.getName().asString())));
                hold.store(mail);
                queue.remove(ManageableMailQueue.Type.Name, mail.getName());
                logAction(mail, "placed on hold");
                count++;
            }
        }
        return count;
    }

    /**
     * {@code postern super -h QID --until TIME}: the selected messages stay queued until {@code until}, then
     * go on by themselves ({@link MailAttributes#RELEASE_AT}, which the queue manager honours and {@code
     * postern flush} does not cut short); messages in the hold repository leave it for the queue they were
     * held from, due at that time. Each queued copy gets a name of its own ({@code QID-h...}) before the
     * old one is removed, as a requeue does.
     */
    public long holdUntil(QueueSelection selection, Instant until) throws MessagingException {
        Duration wait = Duration.between(clock.instant(), until);
        Duration delay = wait.isNegative() ? Duration.ZERO : wait;
        long count = 0;
        for (ManageableMailQueue queue : queues()) {
            for (Mail mail : mails(queue, selection)) {
                String oldName = mail.getName();
                mail.setAttribute(releaseAt(until));
                mail.setName(QueueIdGenerator.queueIdOf(oldName) + "-h" + unique.next());
                queue.enQueue(mail, delay);
                queue.remove(ManageableMailQueue.Type.Name, oldName);
                logAction(mail, "placed on hold until " + until);
                count++;
            }
        }
        MailRepository hold = hold();
        for (MailKey key : keys(hold, selection)) {
            Mail mail = hold.retrieve(key);
            if (mail == null) {
                continue;
            }
            Optional<MailQueueName> from = outOfHold(mail);
            mail.setAttribute(releaseAt(until));
            logAction(mail, "placed on hold until " + until);
            queue(from.orElse(SPOOL)).enQueue(mail, delay);
            hold.remove(key);
            count++;
        }
        return count;
    }

    /**
     * Takes the hold marks off a mail leaving the hold repository and says which queue it was held
     * from; empty for mail held by an access(5) HOLD result, which was never queued past the
     * pipeline's start and so goes through the whole pipeline again, without the HOLD.
     */
    private static Optional<MailQueueName> outOfHold(Mail mail) {
        Optional<MailQueueName> from = mail.getAttribute(MailAttributes.HELD_FROM)
            .map(attribute -> MailQueueName.of(String.valueOf(attribute.getValue().value())));
        mail.removeAttribute(MailAttributes.HELD_FROM);
        if (from.isEmpty()) {
            mail.removeAttribute(MailAttributes.HOLD);
            mail.setState(ROOT);
        }
        return from;
    }

    private static Attribute releaseAt(Instant until) {
        return new Attribute(MailAttributes.RELEASE_AT, AttributeValue.of(until.toString()));
    }

    /**
     * Puts held messages back into the queue they were held from, due now. Mail held by an access(5) HOLD
     * result was never queued past the pipeline's start: it goes through the whole pipeline again,
     * without the HOLD that put it aside.
     */
    public long release(QueueSelection selection) throws MessagingException {
        MailRepository hold = hold();
        long count = 0;
        for (MailKey key : keys(hold, selection)) {
            Mail mail = hold.retrieve(key);
            if (mail == null) {
                continue;
            }
            Optional<MailQueueName> from = outOfHold(mail);
            // qmgr's line goes first: once enqueued the mail may be delivered at once, and pflogsumm takes
            // a delivery's size from the qmgr line logged before it.
            logAction(mail, "released from hold");
            if (from.isEmpty()) {
                logQueueActive(mail);
            }
            queue(from.orElse(SPOOL)).enQueue(mail);
            hold.remove(key);
            count++;
        }
        return count;
    }

    /**
     * Sends the selected messages, queued or held, through the whole pipeline again (rewriting, routing),
     * as {@code postsuper -r} does. In the spool only mail past cleanup is requeued (deferred mail waits
     * there for its next attempt); mail that has not reached cleanup yet is on its way there already. The
     * copy gets a name of its own ({@code QID-r...}) before the old one is removed by name, so that a crash
     * in between leaves the message twice, never nowhere.
     */
    public long requeue(QueueSelection selection) throws MessagingException {
        MailQueue spool = queue(SPOOL);
        long count = 0;
        for (ManageableMailQueue queue : queues()) {
            for (Mail mail : mails(queue, selection)) {
                if (queue.getName().equals(SPOOL) && ROOT.equals(mail.getState())) {
                    continue;
                }
                String oldName = mail.getName();
                Mail copy = restart(mail);
                copy.setName(QueueIdGenerator.queueIdOf(oldName) + "-r" + unique.next());
                spool.enQueue(copy);
                queue.remove(ManageableMailQueue.Type.Name, oldName);
                logAction(copy, "requeued");
                count++;
            }
        }
        MailRepository hold = hold();
        for (MailKey key : keys(hold, selection)) {
            Mail mail = hold.retrieve(key);
            if (mail != null) {
                boolean neverQueued = mail.getAttribute(MailAttributes.HELD_FROM).isEmpty();
                logAction(mail, "requeued");
                if (neverQueued) {
                    logQueueActive(mail);
                }
                spool.enQueue(restart(mail));
                hold.remove(key);
                count++;
            }
        }
        return count;
    }

    /** A requeued mail starts over: off hold, and released now whatever release time it had. */
    private static Mail restart(Mail mail) {
        mail.removeAttribute(MailAttributes.HELD_FROM);
        mail.removeAttribute(MailAttributes.HOLD);
        mail.removeAttribute(MailAttributes.RELEASE_AT);
        mail.setState(ROOT);
        return mail;
    }

    private static Listed listed(Mail mail, String queueName, Instant now) {
        Optional<String> release = release(mail, now);
        Optional<String> reason = reason(mail, queueName);
        Map<String, String> perRecipient = deferReasons(mail);
        // A release time still ahead is why every recipient waits now, whatever an earlier attempt said.
        List<QueueEntry.Recipient> recipients = mail.getRecipients().stream()
            .map(recipient -> new QueueEntry.Recipient(recipient.asString(),
                release.or(() -> Optional.ofNullable(perRecipient.get(recipient.asString()))).or(() -> reason).orElse(null)))
            .toList();
        String queueId = QueueIdGenerator.queueIdOf(mail.getName());
        Instant arrival = arrival(queueId, mail, now);
        return new Listed(arrival, new QueueEntry(queueName, queueId, arrival.getEpochSecond(), size(mail),
            mail.getMaybeSender().asString(""), recipients));
    }

    /**
     * The queue ID records the arrival; the mail's last-updated time does not (delivery attempts, a stay in
     * the hold repository change it), so it is only the fallback for mail named otherwise.
     */
    private static Instant arrival(String queueId, Mail mail, Instant now) {
        return QueueIdGenerator.arrivalOf(queueId, now)
            .or(() -> Optional.ofNullable(mail.getLastUpdated()).map(Date::toInstant))
            .orElse(now);
    }

    /**
     * Postfix's postsuper logs what it did to each message; an operator reading the log after a hold or a
     * requeue should not be left with a bare {@code removed} from the queue.
     */
    private void logAction(Mail mail, String what) {
        mailLog.log(POSTSUPER, QueueIdGenerator.queueIdOf(mail.getName()), what);
    }

    /**
     * Mail held by an access(5) or header/body check HOLD went to hold straight from the SMTP dialogue, so
     * qmgr never logged it; entering the pipeline now, it gets qmgr's line, as Postfix's qmgr logs released
     * mail it takes into the active queue (pflogsumm reads the sender and size of a message from it).
     */
    private void logQueueActive(Mail mail) throws MessagingException {
        mailLog.log("qmgr", QueueIdGenerator.queueIdOf(mail.getName()), "from=<" + mail.getMaybeSender().asString("")
            + ">, size=" + mail.getMessageSize() + ", nrcpt=" + mail.getRecipients().size() + " (queue active)",
            new MailEvent.Received(mail.getMessageSize(), mail.getRecipients().size()));
    }

    private void logAction(MailKey key, String what) {
        mailLog.log(POSTSUPER, QueueIdGenerator.queueIdOf(key.asString()), what);
    }

    /** A release time still ahead: nothing has failed, the message waits for the time it was given. */
    private static Optional<String> release(Mail mail, Instant now) {
        return mail.getAttribute(MailAttributes.RELEASE_AT)
            .map(attribute -> String.valueOf(attribute.getValue().value()))
            .filter(text -> {
                try {
                    return Instant.parse(text).isAfter(now);
                } catch (java.time.format.DateTimeParseException e) {
                    return false;
                }
            })
            .map(text -> RELEASE_REASON + text);
    }

    /** The error a delivery left on the mail, the reason it was held, or for deferred mail what is known. */
    private static Optional<String> reason(Mail mail, String queueName) {
        Optional<String> error = Optional.ofNullable(mail.getErrorMessage())
            .map(text -> text.replaceAll("\\s+", " ").trim())
            .filter(text -> !text.isEmpty() && !text.equals("null"));
        if (error.isPresent()) {
            return error;
        }
        if (queueName.equals(QueueEntry.HOLD)) {
            return mail.getAttribute(MailAttributes.HOLD).map(attribute -> String.valueOf(attribute.getValue().value()))
                .filter(text -> !text.isBlank());
        }
        return queueName.equals(QueueEntry.DEFERRED) ? Optional.of(DEFERRED_REASON) : Optional.empty();
    }

    /**
     * Why each recipient of a deferred mail waits, as the queue manager recorded it ({@code D.S.N text});
     * the listing shows the text, as mailq does.
     */
    private static Map<String, String> deferReasons(Mail mail) {
        Map<String, String> reasons = new HashMap<>();
        mail.getAttribute(MailAttributes.DEFER_REASONS)
            .map(attribute -> attribute.getValue().value())
            .filter(Map.class::isInstance)
            .ifPresent(map -> ((Map<?, ?>) map).forEach((recipient, value) -> {
                Object text = value instanceof AttributeValue<?> attributeValue ? attributeValue.value() : value;
                reasons.put(String.valueOf(recipient), String.valueOf(text).replaceFirst("^[245]\\.[0-9]{1,3}\\.[0-9]{1,3} ", ""));
            }));
        return reasons;
    }

    private static long size(Mail mail) {
        try {
            return mail.getMessageSize();
        } catch (MessagingException e) {
            // A listing should still show the message; its size is what cannot be read.
            return 0;
        }
    }

    private List<Mail> mails(ManageableMailQueue queue, QueueSelection selection) throws MessagingException {
        List<Mail> selected = new ArrayList<>();
        for (ManageableMailQueue.MailQueueItemView item : browse(queue)) {
            Mail mail = item.getMail();
            if (selection.matches(mail.getName())) {
                selected.add(mail instanceof MailImpl impl ? impl : MailImpl.duplicate(mail));
            }
        }
        return selected;
    }

    private static List<ManageableMailQueue.MailQueueItemView> browse(ManageableMailQueue queue) throws MessagingException {
        ManageableMailQueue.MailQueueIterator items = queue.browse();
        try {
            List<ManageableMailQueue.MailQueueItemView> views = new ArrayList<>();
            items.forEachRemaining(views::add);
            return views;
        } finally {
            items.close();
        }
    }

    private List<String> names(ManageableMailQueue queue, QueueSelection selection) throws MessagingException {
        return mails(queue, selection).stream().map(Mail::getName).distinct().toList();
    }

    private static List<MailKey> keys(MailRepository repository, QueueSelection selection) throws MessagingException {
        List<MailKey> keys = new ArrayList<>();
        for (Iterator<MailKey> all = repository.list(); all.hasNext(); ) {
            MailKey key = all.next();
            if (selection.matches(key.asString())) {
                keys.add(key);
            }
        }
        return keys;
    }

    private List<ManageableMailQueue> queues() {
        return queues.listCreatedMailQueues().stream()
            .sorted(Comparator.comparing(MailQueueName::asString))
            .flatMap(name -> queues.getQueue(name).stream())
            .<ManageableMailQueue>map(queue -> queue)
            .toList();
    }

    private MailQueue queue(MailQueueName name) {
        return queues.getQueue(name).<MailQueue>map(queue -> queue).orElseGet(() -> queues.createQueue(name));
    }

    private MailRepository hold() throws MessagingException {
        try {
            return repositories.select(HOLD);
        } catch (MailRepositoryStore.MailRepositoryStoreException e) {
            throw new MessagingException("cannot open the hold repository " + HOLD.asString() + ": " + e.getMessage(), e);
        }
    }
}
