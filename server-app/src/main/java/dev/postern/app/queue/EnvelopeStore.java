package dev.postern.app.queue;

import java.io.IOException;
import java.util.Optional;

import org.apache.james.queue.api.MailQueueName;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The envelopes of one queue, as PUT and REMOVE records of the {@link QueueJournal}. */
final class EnvelopeStore {
    private static final Logger LOGGER = LoggerFactory.getLogger(EnvelopeStore.class);

    private final MailQueueName queue;
    private final QueueJournal journal;
    private final EnvelopeCodec codec;

    EnvelopeStore(MailQueueName queue, QueueJournal journal, EnvelopeCodec codec) {
        this.queue = queue;
        this.journal = journal;
        this.codec = codec;
    }

    /**
     * Appends the envelope (after its content when that is new); returns the position to wait for with
     * {@link #awaitDurable(long)} before telling anyone it is queued.
     */
    long write(Envelope envelope, Optional<JournalRecord.Content> content) throws IOException {
        return journal.put(queue.asString(), envelope.id(), codec.encode(envelope), content);
    }

    /** Waits until everything appended up to {@code position} is on disk (group commit). */
    void awaitDurable(long position) throws IOException {
        journal.awaitDurable(position);
    }

    /** Makes everything appended so far durable: an operator's removals, for instance. */
    void awaitDurable() throws IOException {
        journal.awaitDurable(journal.position());
    }

    /**
     * Ends an envelope without waiting for that to be durable: if a crash loses the record the mail is
     * delivered again (at least once), which is the price of not paying an fsync per delivery.
     */
    void delete(String id) {
        try {
            journal.remove(queue.asString(), id);
        } catch (IOException e) {
            LOGGER.error("Cannot record the removal of envelope {} from queue {}: the mail will be delivered again "
                + "after a restart", id, queue.asString(), e);
        }
    }

    /** How an envelope is named in messages to the operator. */
    String describe(String id) {
        return "envelope " + id + " of queue " + queue.asString();
    }
}
