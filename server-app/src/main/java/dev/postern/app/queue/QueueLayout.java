package dev.postern.app.queue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

import org.apache.james.queue.api.MailQueueName;

import dev.postern.files.PrivateFiles;

/**
 * Where things live under the queue directory:
 *
 * <pre>
 * segments/&lt;number&gt;.seg   the queue's append-only log: envelopes and messages ({@link QueueJournal})
 * queues/&lt;queueName&gt;/      one empty directory per queue that was ever created, so an empty queue
 *                           survives a restart
 * corrupt/                  records that could not be recovered, kept for a human instead of dropped
 * </pre>
 *
 * Queue names are James's and may hold any character, so they are percent-encoded into one safe path
 * segment; queues sit under {@code queues/} so that no queue name can collide with anything else.
 * Directories are created 0700 and files 0600: only Postern reads the queue.
 */
final class QueueLayout {
    private final Path root;
    private final DirectorySync.Factory syncs;

    QueueLayout(Path root, DirectorySync.Factory syncs) {
        this.root = root.toAbsolutePath().normalize();
        this.syncs = syncs;
    }

    Path root() {
        return root;
    }

    Path segmentsDirectory() {
        return root.resolve("segments");
    }

    Path queuesDirectory() {
        return root.resolve("queues");
    }

    Path corruptDirectory() {
        return root.resolve("corrupt");
    }

    Path queueDirectory(MailQueueName name) {
        return queuesDirectory().resolve(encode(name));
    }

    /**
     * Creates the directories and makes their names durable: an fdatasync'd segment is worthless if the
     * directory that holds it can vanish in a crash.
     */
    void prepare() throws IOException {
        boolean created = false;
        for (Path directory : List.of(root, segmentsDirectory(), queuesDirectory(), corruptDirectory())) {
            if (!Files.isDirectory(directory)) {
                PrivateFiles.createDirectories(directory);
                created = true;
            }
        }
        if (created) {
            syncs.forDirectory(root).awaitDurable();
            if (root.getParent() != null) {
                syncs.forDirectory(root.getParent()).awaitDurable();
            }
        }
    }

    /** Creates a queue's directory, durably, unless it exists. */
    void createQueueDirectory(MailQueueName name) throws IOException {
        Path directory = queueDirectory(name);
        if (!Files.isDirectory(directory)) {
            PrivateFiles.createDirectories(directory);
            syncs.forDirectory(queuesDirectory()).awaitDurable();
        }
    }

    /** Keeps bytes that could not be used under {@code corrupt/}, for a human. */
    Path keepCorrupt(String name, byte[] bytes) throws IOException {
        Path target = corruptDirectory().resolve(name);
        Files.deleteIfExists(target);
        PrivateFiles.createFile(target);
        Files.write(target, bytes);
        return target;
    }

    /** The queues that have a directory on disk, whether or not anything is in them. */
    List<MailQueueName> existingQueues() throws IOException {
        List<MailQueueName> names = new ArrayList<>();
        try (DirectoryStream<Path> directories = Files.newDirectoryStream(queuesDirectory(), Files::isDirectory)) {
            for (Path directory : directories) {
                decode(directory.getFileName().toString()).ifPresent(names::add);
            }
        }
        return names;
    }

    static Stream<Path> list(Path directory) throws IOException {
        List<Path> files = new ArrayList<>();
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(directory, Files::isRegularFile)) {
            entries.forEach(files::add);
        }
        return files.stream();
    }

    /** Percent-encodes every byte but ASCII letters, digits, '-', '_' and a '.' that is not first. */
    static String encode(MailQueueName name) {
        byte[] bytes = name.asString().getBytes(StandardCharsets.UTF_8);
        StringBuilder encoded = new StringBuilder(bytes.length);
        for (int i = 0; i < bytes.length; i++) {
            int b = bytes[i] & 0xff;
            boolean safe = (b >= 'a' && b <= 'z') || (b >= 'A' && b <= 'Z') || (b >= '0' && b <= '9')
                || b == '-' || b == '_' || (b == '.' && i > 0);
            if (safe) {
                encoded.append((char) b);
            } else {
                encoded.append('%').append(Character.toUpperCase(Character.forDigit(b >> 4, 16)))
                    .append(Character.toUpperCase(Character.forDigit(b & 0xf, 16)));
            }
        }
        return encoded.toString();
    }

    /** The queue name of a directory this class named; empty for any other directory. */
    static Optional<MailQueueName> decode(String segment) {
        try {
            ByteArrayOutputStream bytes = new ByteArrayOutputStream(segment.length());
            for (int i = 0; i < segment.length(); i++) {
                char c = segment.charAt(i);
                if (c == '%') {
                    bytes.write(Integer.parseInt(segment.substring(i + 1, i + 3), 16));
                    i += 2;
                } else {
                    bytes.write(c);
                }
            }
            String name = bytes.toString(StandardCharsets.UTF_8);
            if (name.isEmpty() || !encode(MailQueueName.of(name)).equals(segment)) {
                return Optional.empty();
            }
            return Optional.of(MailQueueName.of(name));
        } catch (RuntimeException e) {
            return Optional.empty();
        }
    }
}
