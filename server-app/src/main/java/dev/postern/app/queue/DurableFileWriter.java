package dev.postern.app.queue;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.Set;
import java.util.UUID;

import javax.mail.MessagingException;

import dev.postern.files.PrivateFiles;

/**
 * Writes a file so that it appears under its final name only complete: the bytes go to a temporary
 * file in {@code tmp/}, are forced to disk, and the file is then renamed into place atomically. A crash
 * before the rename leaves only a temporary file, which the next start deletes.
 *
 * <p>The rename itself is made durable by the caller through {@link DirectorySync}, so that it can be
 * ordered after other renames and shared between concurrent writers.
 *
 * <p>Queue files are created 0600 (as Postfix's are): they hold other people's mail.
 */
final class DurableFileWriter {
    private static final int BUFFER_SIZE = 64 * 1024;

    /** What writes the file's bytes; it may fail the way {@code MimeMessage.writeTo} does. */
    @FunctionalInterface
    interface Content {
        void writeTo(OutputStream out) throws IOException, MessagingException;
    }

    private final Path temporaryDirectory;
    private final SyncStatistics statistics;

    DurableFileWriter(Path temporaryDirectory, SyncStatistics statistics) {
        this.temporaryDirectory = temporaryDirectory;
        this.statistics = statistics;
    }

    /** Creates or atomically replaces {@code target}. */
    void write(Path target, Content content) throws IOException, MessagingException {
        Path temporary = temporaryDirectory.resolve(UUID.randomUUID() + ".tmp");
        try {
            try (FileChannel channel = FileChannel.open(temporary,
                    Set.of(StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE), PrivateFiles.fileAttributes(temporary))) {
                OutputStream out = new BufferedOutputStream(Channels.newOutputStream(channel), BUFFER_SIZE);
                content.writeTo(out);
                out.flush();
                channel.force(true);
                statistics.fileSynced();
            }
            Files.move(temporary, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException | MessagingException | RuntimeException | Error e) {
            // an Error too (OutOfMemoryError while the content is written): no temporary file may outlive a failure
            deleteQuietly(temporary, e);
            throw e;
        }
    }

    private static void deleteQuietly(Path temporary, Throwable cause) {
        try {
            Files.deleteIfExists(temporary);
        } catch (IOException e) {
            cause.addSuppressed(e);
        }
    }
}
