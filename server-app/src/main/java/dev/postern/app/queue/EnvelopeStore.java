package dev.postern.app.queue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

import javax.mail.MessagingException;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The envelope files of one queue: one file per queued mail, named by the envelope's id. */
final class EnvelopeStore {
    private static final Logger LOGGER = LoggerFactory.getLogger(EnvelopeStore.class);

    /** The envelopes read at start, and how many files could not be read (they were moved aside). */
    record Recovered(List<Envelope> envelopes, int unreadable) {
    }

    private final Path directory;
    private final DurableFileWriter writer;
    private final DirectorySync directorySync;
    private final EnvelopeCodec codec;

    EnvelopeStore(Path directory, DurableFileWriter writer, DirectorySync directorySync, EnvelopeCodec codec) {
        this.directory = directory;
        this.writer = writer;
        this.directorySync = directorySync;
        this.codec = codec;
    }

    /** Writes (or atomically replaces) the envelope file; call {@link #awaitDurable()} before relying on it. */
    void write(Envelope envelope) throws IOException {
        byte[] bytes = codec.encode(envelope);
        try {
            writer.write(file(envelope.id()), out -> out.write(bytes));
        } catch (MessagingException e) {
            throw new IOException("Cannot write envelope " + envelope.id(), e);
        }
    }

    /** Makes this queue's earlier renames and deletions durable (group commit). */
    void awaitDurable() throws IOException {
        directorySync.awaitDurable();
    }

    /**
     * Deletes an envelope without waiting for the deletion to be durable: if a crash undoes it the mail
     * is delivered again (at least once), which is the price of not paying an fsync per delivery.
     */
    void delete(String id) {
        try {
            Files.deleteIfExists(file(id));
        } catch (IOException e) {
            LOGGER.error("Cannot delete envelope {}: the mail will be delivered again after a restart", file(id), e);
        }
    }

    /** Reads every envelope; a file that is not one is handed to {@code quarantine} and counted. */
    Recovered readAll(Consumer<Path> quarantine) throws IOException {
        List<Envelope> envelopes = new ArrayList<>();
        int unreadable = 0;
        List<Path> files;
        try (var listing = QueueLayout.list(directory)) {
            files = listing.toList();
        }
        for (Path file : files) {
            String id = file.getFileName().toString();
            try {
                if (!IdGenerator.isValid(id)) {
                    throw new IOException("not an envelope name");
                }
                envelopes.add(codec.decode(id, Files.readAllBytes(file)));
            } catch (IOException e) {
                LOGGER.error("Unreadable envelope {} ({}): moved to the corrupt directory for inspection", file, e.getMessage());
                quarantine.accept(file);
                unreadable++;
            }
        }
        return new Recovered(envelopes, unreadable);
    }

    Path file(String id) {
        return directory.resolve(id);
    }
}
