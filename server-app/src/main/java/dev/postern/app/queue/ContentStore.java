package dev.postern.app.queue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;

import javax.mail.MessagingException;
import javax.mail.internet.MimeMessage;

import org.apache.james.server.core.MimeMessageWrapper;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.postern.queue.QueueIdGenerator;

/**
 * The message bytes of every queued mail, each written once (as a CONTENT record of the
 * {@link QueueJournal}, in the same write as the first envelope that refers to it) and shared by all the
 * envelopes (in any queue) that refer to it.
 *
 * <p>References are counted in memory: the count is rebuilt at start from the envelopes recovered, each
 * new envelope takes one, and a content is released to the journal (which deletes its segment once
 * nothing else there is live) when its last envelope is gone.
 *
 * <p>Each content also remembers the queue ID of the mail that created it (the mail name up to the
 * first {@code -} when that is a Postern queue ID, otherwise the whole name). When the last content
 * of a queue ID is released, the message has left the queue completely: the "content removed" listener
 * hears the queue ID (Postfix's {@code QID: removed}). Counting per queue ID, not per content, keeps a
 * message whose content was rewritten on its way (a mailet changed it, a copy was made for a later
 * retry) from being announced while its new content is still queued, or twice. Content dropped at
 * start and content a failed enqueue wrote are not announced: no message left the queue.
 */
final class ContentStore {
    private static final Logger LOGGER = LoggerFactory.getLogger(ContentStore.class);
    private static final int BUFFER_SIZE = 16 * 1024;

    /**
     * A content the caller now holds one reference to; {@code record} holds the bytes to append with the
     * envelope when the content is new, and is empty when an existing content is shared.
     */
    record Stored(String contentId, Optional<JournalRecord.Content> record) {
        boolean written() {
            return record.isPresent();
        }
    }

    private final QueueJournal journal;
    private final IdGenerator ids;
    private final Consumer<String> contentRemoved;
    private final Map<String, Integer> references = new HashMap<>();
    /** The queue ID each content was created for. */
    private final Map<String, String> queueIds = new HashMap<>();
    /** How many contents each queue ID has. */
    private final Map<String, Integer> contentPerQueueId = new HashMap<>();

    /** @param contentRemoved hears the queue ID of a message whose last content was released */
    ContentStore(QueueJournal journal, IdGenerator ids, Consumer<String> contentRemoved) {
        this.journal = journal;
        this.ids = ids;
        this.contentRemoved = contentRemoved;
    }

    /**
     * Returns a content holding {@code message}: the one it was read from when it is unchanged content of
     * this store that some envelope still refers to, otherwise a new one whose bytes the caller appends
     * with its envelope.
     *
     * @param mailName the name of the mail being queued, whose queue ID a new content is kept for
     */
    Stored store(MimeMessage message, String mailName) throws IOException, MessagingException {
        if (message instanceof StoredMimeMessage stored) {
            Optional<String> reusable = stored.unchangedContentOf(this).filter(this::retain);
            if (reusable.isPresent()) {
                return new Stored(reusable.get(), Optional.empty());
            }
        }
        String contentId = ids.next();
        MessageBytes bytes = new MessageBytes(sizeHint(message));
        message.writeTo(bytes);
        synchronized (this) {
            references.put(contentId, 1);
            if (mailName != null) {
                own(contentId, QueueIdGenerator.queueIdOf(mailName));
            }
        }
        return new Stored(contentId, Optional.of(new JournalRecord.Content(contentId, bytes.bytes())));
    }

    /** The message of a content, read lazily from its segment. */
    StoredMimeMessage open(String contentId) {
        return new StoredMimeMessage(new SegmentContentSource(this, journal, contentId));
    }

    /**
     * Takes one more reference, unless nobody holds one any more: then the content may already be gone
     * and the caller must write it again.
     */
    synchronized boolean retain(String contentId) {
        Integer count = references.get(contentId);
        if (count == null || count <= 0) {
            return false;
        }
        references.put(contentId, count + 1);
        return true;
    }

    /**
     * Drops one reference and releases the content when it was the last, announcing the queue ID when
     * that was its last content.
     */
    void release(String contentId) {
        release(contentId, true);
    }

    /** Drops the reference of an enqueue that failed: a content it wrote is released without announcement. */
    void abandon(Stored stored) {
        release(stored.contentId(), !stored.written());
    }

    private void release(String contentId, boolean announce) {
        boolean last;
        Optional<String> gone = Optional.empty();
        synchronized (this) {
            Integer count = references.get(contentId);
            if (count == null) {
                LOGGER.warn("Released content {} that has no reference", contentId);
                return;
            }
            last = count <= 1;
            if (last) {
                references.remove(contentId);
                gone = disown(contentId);
            } else {
                references.put(contentId, count - 1);
            }
        }
        if (last) {
            journal.releaseContent(contentId);
        }
        if (announce) {
            gone.ifPresent(this::announce);
        }
    }

    /** Whether the journal holds this content, for recovery. */
    boolean exists(String contentId) {
        return journal.hasContent(contentId);
    }

    /**
     * Installs the reference counts found at start. Nothing is announced: the messages whose content is
     * kept are still queued.
     *
     * @param mailNames for each counted content id, the name of the mail taken to have created it
     */
    synchronized void recover(Map<String, Integer> counts, Map<String, String> mailNames) {
        references.clear();
        references.putAll(counts);
        queueIds.clear();
        contentPerQueueId.clear();
        counts.keySet().forEach(contentId ->
            own(contentId, QueueIdGenerator.queueIdOf(mailNames.getOrDefault(contentId, contentId))));
    }

    /** Called holding the lock. */
    private void own(String contentId, String queueId) {
        queueIds.put(contentId, queueId);
        contentPerQueueId.merge(queueId, 1, Integer::sum);
    }

    /** Called holding the lock; the queue ID when this was its last content. */
    private Optional<String> disown(String contentId) {
        String queueId = queueIds.remove(contentId);
        if (queueId == null) {
            return Optional.empty();
        }
        Integer remaining = contentPerQueueId.merge(queueId, -1, Integer::sum);
        if (remaining == null || remaining <= 0) {
            contentPerQueueId.remove(queueId);
            return Optional.of(queueId);
        }
        return Optional.empty();
    }

    private void announce(String queueId) {
        try {
            contentRemoved.accept(queueId);
        } catch (RuntimeException e) {
            LOGGER.warn("Content removed listener failed for queue ID {}", queueId, e);
        }
    }

    /**
     * The message's size when James knows it without reading the message (a received message's
     * source counted it), so the bytes are collected in one array of the right size instead of a
     * growing one copied at every doubling and once more at the end: 100 KB messages were copied
     * four times on their way into the queue.
     */
    private static int sizeHint(MimeMessage message) {
        // only when unchanged: a changed message's size is counted by writing it out, twice the work
        if (message instanceof MimeMessageWrapper wrapper && !wrapper.isModified()) {
            try {
                long size = wrapper.getMessageSize();
                if (size > 0 && size < Integer.MAX_VALUE - 8) {
                    return (int) size;
                }
            } catch (MessagingException e) {
                return BUFFER_SIZE; // it will fail again, and be reported, when the message is written
            }
        }
        return BUFFER_SIZE;
    }

    /** A byte collector that hands over its array itself when the size hint was exact. */
    private static final class MessageBytes extends ByteArrayOutputStream {
        MessageBytes(int size) {
            super(size);
        }

        byte[] bytes() {
            return count == buf.length ? buf : Arrays.copyOf(buf, count);
        }
    }
}
