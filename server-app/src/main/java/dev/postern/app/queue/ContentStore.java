package dev.postern.app.queue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Consumer;
import java.util.stream.Collectors;

import javax.mail.MessagingException;
import javax.mail.internet.MimeMessage;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.postern.queue.QueueIdGenerator;

/**
 * The message bytes of every queued mail, one file per distinct content, each written once and shared by
 * all the envelopes (in any queue) that refer to it.
 *
 * <p>References are counted in memory: the count is rebuilt at start from the envelopes on disk, each
 * new envelope takes one, and a file is deleted when its last envelope is gone. A file that is on disk
 * but referenced by no envelope is left over from a crash and is deleted at start.
 *
 * <p>Each content file also remembers the queue ID of the mail that created it (the mail name up to the
 * first {@code -} when that is a Postern queue ID, otherwise the whole name). When the last content file
 * of a queue ID is deleted, the message has left the queue completely: the "content removed" listener
 * hears the queue ID (Postfix's {@code QID: removed}). Counting per queue ID, not per file, keeps a
 * message whose content was rewritten on its way (a mailet changed it, a copy was made for a later
 * retry) from being announced while its new content is still queued, or twice. Content deleted at
 * start and content a failed enqueue wrote are not announced: no message left the queue.
 */
final class ContentStore {
    private static final Logger LOGGER = LoggerFactory.getLogger(ContentStore.class);

    /** A content file the caller now holds one reference to; {@code written} says it is new. */
    record Stored(String contentId, boolean written) {
    }

    private final Path directory;
    private final DurableFileWriter writer;
    private final DirectorySync directorySync;
    private final IdGenerator ids;
    private final Consumer<String> contentRemoved;
    private final Map<String, Integer> references = new HashMap<>();
    /** The queue ID each content file was created for. */
    private final Map<String, String> queueIds = new HashMap<>();
    /** How many content files each queue ID has. */
    private final Map<String, Integer> contentPerQueueId = new HashMap<>();

    /** @param contentRemoved hears the queue ID of a message whose last content file was deleted */
    ContentStore(Path directory, DurableFileWriter writer, DirectorySync directorySync, IdGenerator ids,
                 Consumer<String> contentRemoved) {
        this.directory = directory;
        this.writer = writer;
        this.directorySync = directorySync;
        this.ids = ids;
        this.contentRemoved = contentRemoved;
    }

    /**
     * Returns a content file holding {@code message}: the one it was read from when it is unchanged
     * content of this store that some envelope still refers to, otherwise a newly written one (fsync'd
     * and renamed into place; call {@link #awaitDurable()} before relying on the rename).
     *
     * @param mailName the name of the mail being queued, whose queue ID a new file is kept for
     */
    Stored store(MimeMessage message, String mailName) throws IOException, MessagingException {
        if (message instanceof StoredMimeMessage stored) {
            Optional<String> reusable = stored.unchangedContentOf(this).filter(this::retain);
            if (reusable.isPresent()) {
                return new Stored(reusable.get(), false);
            }
        }
        String contentId = ids.next();
        writer.write(file(contentId), message::writeTo);
        synchronized (this) {
            references.put(contentId, 1);
            if (mailName != null) {
                own(contentId, QueueIdGenerator.queueIdOf(mailName));
            }
        }
        return new Stored(contentId, true);
    }

    /** Makes the renames of newly written content files durable (group commit). */
    void awaitDurable() throws IOException {
        directorySync.awaitDurable();
    }

    /** The message of a content file, read lazily. */
    StoredMimeMessage open(String contentId) {
        return new StoredMimeMessage(new ContentFileSource(this, contentId, file(contentId)));
    }

    /**
     * Takes one more reference, unless nobody holds one any more: then the file may already be gone and
     * the caller must write the content again.
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
     * Drops one reference and deletes the file when it was the last, announcing the queue ID when that
     * was its last content file.
     */
    void release(String contentId) {
        release(contentId, true);
    }

    /** Drops the reference of an enqueue that failed: a file it wrote is deleted without announcement. */
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
            delete(contentId);
        }
        if (announce) {
            gone.ifPresent(this::announce);
        }
    }

    /** The content ids that have a file, for recovery. */
    Set<String> existingContent() throws IOException {
        try (var files = QueueLayout.list(directory)) {
            return files.map(file -> file.getFileName().toString())
                .filter(IdGenerator::isValid)
                .collect(Collectors.toSet());
        }
    }

    /**
     * Installs the reference counts found by scanning the envelopes at start, and deletes the content
     * files nobody refers to when {@code deleteOrphans} (recovery turns that off if it could not read
     * every envelope, since an unreadable envelope might be the one referring to a file).
     * Nothing is announced: the messages whose content is kept are still queued.
     *
     * @param mailNames for each counted content id, the name of the mail taken to have created it
     */
    int recover(Map<String, Integer> counts, Map<String, String> mailNames, boolean deleteOrphans) throws IOException {
        Set<String> existing = existingContent();
        synchronized (this) {
            references.clear();
            references.putAll(counts);
            queueIds.clear();
            contentPerQueueId.clear();
            counts.keySet().forEach(contentId ->
                own(contentId, QueueIdGenerator.queueIdOf(mailNames.getOrDefault(contentId, contentId))));
        }
        if (!deleteOrphans) {
            return 0;
        }
        int deleted = 0;
        for (String contentId : existing) {
            if (!counts.containsKey(contentId)) {
                delete(contentId);
                deleted++;
            }
        }
        return deleted;
    }

    /** Called holding the lock. */
    private void own(String contentId, String queueId) {
        queueIds.put(contentId, queueId);
        contentPerQueueId.merge(queueId, 1, Integer::sum);
    }

    /** Called holding the lock; the queue ID when this was its last content file. */
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

    private void delete(String contentId) {
        try {
            Files.deleteIfExists(file(contentId));
        } catch (IOException e) {
            // An undeleted file is only wasted space: the next start sees nobody refers to it.
            LOGGER.warn("Cannot delete content file {}", file(contentId), e);
        }
    }

    Path file(String contentId) {
        return directory.resolve(contentId);
    }
}
