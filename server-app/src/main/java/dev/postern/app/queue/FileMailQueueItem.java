package dev.postern.app.queue;

import java.util.concurrent.atomic.AtomicBoolean;

import org.apache.james.queue.api.MailQueue;
import org.apache.mailet.Mail;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A mail handed out by a {@link FileMailQueue}. It stays in flight, and is handed to nobody else, until
 * {@link #done} says what became of it; only the first answer counts.
 */
final class FileMailQueueItem implements MailQueue.MailQueueItem {
    private static final Logger LOGGER = LoggerFactory.getLogger(FileMailQueueItem.class);

    private final FileMailQueue queue;
    private final Envelope envelope;
    private final Mail mail;
    private final AtomicBoolean finished = new AtomicBoolean();

    FileMailQueueItem(FileMailQueue queue, Envelope envelope, Mail mail) {
        this.queue = queue;
        this.envelope = envelope;
        this.mail = mail;
    }

    @Override
    public Mail getMail() {
        return mail;
    }

    @Override
    public void done(CompletionStatus status) throws MailQueue.MailQueueException {
        if (!finished.compareAndSet(false, true)) {
            LOGGER.warn("Mail {} (envelope {}) was already completed; ignoring {}", mail.getName(), envelope.id(), status);
            return;
        }
        queue.complete(envelope, status);
    }

    /** The consumer never got this mail: it goes back where it was. */
    void giveBack() {
        if (finished.compareAndSet(false, true)) {
            queue.giveBack(envelope);
        }
    }
}
