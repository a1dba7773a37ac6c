package dev.postern.app.queue;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

import org.apache.james.queue.api.MailQueueName;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Brings a queue written by an earlier Postern (one envelope file per mail under
 * {@code queues/<name>/}, one content file per message under {@code content/}, {@code tmp/} for
 * writes in progress) into the segment log, once, at start: every envelope and its content are
 * appended and forced, and only then are the old files deleted. Interrupted, it is simply done again
 * at the next start: a PUT of the same envelope id replaces the earlier one, so nothing is doubled.
 * A file that cannot be read is moved to {@code corrupt/}, as recovery did.
 */
final class LegacyQueueImport {
    private static final Logger LOGGER = LoggerFactory.getLogger(LegacyQueueImport.class);

    private final QueueLayout layout;
    private final EnvelopeCodec codec;

    LegacyQueueImport(QueueLayout layout, EnvelopeCodec codec) {
        this.layout = layout;
        this.codec = codec;
    }

    /** Whether anything of the old layout is there. */
    boolean present() throws IOException {
        return Files.isDirectory(layout.root().resolve("content")) || !envelopeFiles().isEmpty();
    }

    /** Imports into {@code journal} what the old layout holds; returns how many mails. */
    int run(QueueJournal journal) throws IOException {
        Path contentDirectory = layout.root().resolve("content");
        List<Path> envelopeFiles = envelopeFiles();
        Set<String> written = new HashSet<>();
        int imported = 0;
        for (Path file : envelopeFiles) {
            String queue = QueueLayout.decode(file.getParent().getFileName().toString()).orElseThrow().asString();
            String id = file.getFileName().toString();
            Optional<Envelope> envelope = read(file, id);
            if (envelope.isEmpty()) {
                continue;
            }
            Optional<JournalRecord.Content> content = Optional.empty();
            Optional<String> contentId = envelope.get().contentId();
            if (contentId.isPresent() && written.add(contentId.get())) {
                Path contentFile = contentDirectory.resolve(contentId.get());
                if (!Files.isRegularFile(contentFile)) {
                    LOGGER.error("Old-format envelope {} refers to missing content {}: moved to the corrupt directory",
                        file, contentFile);
                    moveToCorrupt(file, queue);
                    continue;
                }
                content = Optional.of(new JournalRecord.Content(contentId.get(), Files.readAllBytes(contentFile)));
            }
            journal.put(queue, id, Files.readAllBytes(file), content);
            imported++;
        }
        journal.awaitDurable(journal.position());
        envelopeFiles.forEach(LegacyQueueImport::deleteQuietly);
        deleteDirectory(contentDirectory);
        deleteDirectory(layout.root().resolve("tmp"));
        LOGGER.info("Mail queue {}: imported {} mails from the one-file-per-message layout into queue segments",
            layout.root(), imported);
        return imported;
    }

    private List<Path> envelopeFiles() throws IOException {
        List<Path> envelopeFiles = new ArrayList<>();
        for (MailQueueName name : layout.existingQueues()) {
            try (var files = QueueLayout.list(layout.queueDirectory(name))) {
                files.forEach(envelopeFiles::add);
            }
        }
        return envelopeFiles;
    }

    private Optional<Envelope> read(Path file, String id) {
        try {
            if (!IdGenerator.isValid(id)) {
                throw new IOException("not an envelope name");
            }
            return Optional.of(codec.decode(id, Files.readAllBytes(file)));
        } catch (IOException e) {
            LOGGER.error("Unreadable old-format envelope {} ({}): moved to the corrupt directory", file, e.getMessage());
            moveToCorrupt(file, file.getParent().getFileName().toString());
            return Optional.empty();
        }
    }

    private void moveToCorrupt(Path file, String origin) {
        Path target = layout.corruptDirectory().resolve(QueueLayout.encode(MailQueueName.of(origin)) + "." + file.getFileName());
        try {
            Files.move(file, target);
        } catch (IOException e) {
            LOGGER.error("Cannot move {} to {}", file, target, e);
        }
    }

    private static void deleteDirectory(Path directory) throws IOException {
        if (!Files.isDirectory(directory)) {
            return;
        }
        try (DirectoryStream<Path> files = Files.newDirectoryStream(directory)) {
            files.forEach(LegacyQueueImport::deleteQuietly);
        }
        deleteQuietly(directory);
    }

    private static void deleteQuietly(Path file) {
        try {
            Files.deleteIfExists(file);
        } catch (IOException e) {
            LOGGER.warn("Cannot delete {} after importing it into the queue segments", file, e);
        }
    }
}
