package dev.postern.app.queue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

import javax.mail.MessagingException;
import javax.mail.internet.MimeMessage;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The message bytes of every queued mail, one file per distinct content, each written once and shared by
 * all the envelopes (in any queue) that refer to it.
 *
 * <p>References are counted in memory: the count is rebuilt at start from the envelopes on disk, each
 * new envelope takes one, and a file is deleted when its last envelope is gone. A file that is on disk
 * but referenced by no envelope is left over from a crash and is deleted at start.
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
    private final Map<String, Integer> references = new HashMap<>();

    ContentStore(Path directory, DurableFileWriter writer, DirectorySync directorySync, IdGenerator ids) {
        this.directory = directory;
        this.writer = writer;
        this.directorySync = directorySync;
        this.ids = ids;
    }

    /**
     * Returns a content file holding {@code message}: the one it was read from when it is unchanged
     * content of this store that some envelope still refers to, otherwise a newly written one (fsync'd
     * and renamed into place; call {@link #awaitDurable()} before relying on the rename).
     */
    Stored store(MimeMessage message) throws IOException, MessagingException {
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

    /** Drops one reference and deletes the file when it was the last. */
    void release(String contentId) {
        boolean last;
        synchronized (this) {
            Integer count = references.get(contentId);
            if (count == null) {
                LOGGER.warn("Released content {} that has no reference", contentId);
                return;
            }
            last = count <= 1;
            if (last) {
                references.remove(contentId);
            } else {
                references.put(contentId, count - 1);
            }
        }
        if (last) {
            delete(contentId);
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
     */
    int recover(Map<String, Integer> counts, boolean deleteOrphans) throws IOException {
        Set<String> existing = existingContent();
        synchronized (this) {
            references.clear();
            references.putAll(counts);
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
