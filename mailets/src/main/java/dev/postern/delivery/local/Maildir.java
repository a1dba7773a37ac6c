package dev.postern.delivery.local;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Set;

import dev.postern.address.LocalMailboxes;
import dev.postern.files.PrivateFiles;

/**
 * One Maildir ({@code tmp/}, {@code new/}, {@code cur/}) and the one way a message enters
 * it: written and fsync'd under {@code tmp/}, renamed into {@code new/}, and {@code new/}
 * fsync'd, so a reader never sees a partial message and a delivery reported as done
 * survives a crash. A failed delivery leaves nothing behind in either directory. Messages are
 * created 0600 and the folders 0700, as Postfix's local(8) makes mailboxes: mail is the recipient's.
 */
public final class Maildir {
    private final Path directory;

    public Maildir(Path directory) {
        this.directory = directory;
    }

    /** Writes the message content to the stream it is given; the stream must not be closed. */
    @FunctionalInterface
    public interface Content {
        void writeTo(OutputStream out) throws IOException;
    }

    public Path directory() {
        return directory;
    }

    /** Creates the Maildir and any missing parents, making each new directory entry durable. */
    public void create() throws IOException {
        for (String sub : new String[] {"tmp", "new", "cur"}) {
            createDurably(directory.resolve(sub));
        }
    }

    /**
     * @param uniqueName a name no other delivery uses (see {@link MaildirNames})
     * @return the delivered file, in {@code new/}
     */
    public Path deliver(String uniqueName, Content content) throws IOException {
        if (!LocalMailboxes.isSafeName(uniqueName)) {
            throw new IllegalArgumentException("not a Maildir file name: \"" + uniqueName + "\"");
        }
        create();
        Path tmp = directory.resolve("tmp").resolve(uniqueName);
        Path delivered = directory.resolve("new").resolve(uniqueName);
        Path written = null;
        try {
            try (FileChannel channel = FileChannel.open(tmp,
                    Set.of(StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE), PrivateFiles.fileAttributes(tmp))) {
                written = tmp;
                OutputStream out = new BufferedOutputStream(Channels.newOutputStream(channel), 64 * 1024);
                content.writeTo(out);
                out.flush();
                channel.force(true);
            }
            Files.move(tmp, delivered, StandardCopyOption.ATOMIC_MOVE);
            written = delivered;
            fsyncDirectory(delivered.getParent());
            return delivered;
        } catch (IOException | RuntimeException e) {
            // After the rename only the directory sync can fail; the delivery is then
            // reported as failed and retried, so the file must not stay visible either.
            if (written != null) {
                try {
                    Files.deleteIfExists(written);
                } catch (IOException cleanup) {
                    e.addSuppressed(cleanup);
                }
            }
            throw e;
        }
    }

    private static void createDurably(Path dir) throws IOException {
        if (Files.isDirectory(dir)) {
            return;
        }
        Deque<Path> missing = new ArrayDeque<>();
        for (Path p = dir.toAbsolutePath(); p != null && !Files.isDirectory(p); p = p.getParent()) {
            missing.push(p);
        }
        while (!missing.isEmpty()) {
            Path next = missing.pop();
            try {
                PrivateFiles.createDirectory(next);
            } catch (java.nio.file.FileAlreadyExistsException e) {
                if (!Files.isDirectory(next)) {
                    throw e;
                }
                // Another delivery created it at the same time: fine.
            }
            fsyncDirectory(next.getParent());
        }
    }

    static void fsyncDirectory(Path dir) throws IOException {
        try (FileChannel channel = FileChannel.open(dir, StandardOpenOption.READ)) {
            channel.force(true);
        }
    }
}
