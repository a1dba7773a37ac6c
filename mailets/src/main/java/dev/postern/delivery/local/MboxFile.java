package dev.postern.delivery.local;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.OpenOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileTime;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Set;

import dev.postern.files.PrivateFiles;

/**
 * One mbox file and the one way a message enters it: under an exclusive lock (a {@code FILE.lock}
 * dotlock for mail readers that use those, then an fcntl lock on the file itself), appended after
 * the current end, fsync'd; when anything fails, or the file would grow past its size limit, the
 * file is truncated back to the length it had, so a reader never sees half a message.
 *
 * <p>A dotlock older than {@link #STALE_LOCK} is taken to be left by a crashed writer and removed,
 * as mail readers do.
 *
 * <p>As Postfix's {@code safe_open}, the file is never opened through a symbolic link, nor when it has
 * other hard links (either could make a delivery append to {@code /etc/passwd}); a new file is created
 * 0600 and new folders 0700.
 */
public final class MboxFile {
    static final Duration STALE_LOCK = Duration.ofMinutes(5);
    private static final Duration LOCK_WAIT = Duration.ofSeconds(10);

    private final Path file;
    private final Clock clock;

    public MboxFile(Path file, Clock clock) {
        this.file = file;
        this.clock = clock;
    }

    /** Writes the whole mbox entry (From_ line, headers, quoted body, blank line) to the stream. */
    @FunctionalInterface
    public interface Entry {
        void writeTo(OutputStream out) throws IOException;
    }

    /** The mailbox is locked by another writer: try later (Postfix's 4.2.0). */
    public static final class LockedException extends IOException {
        public LockedException(String message) {
            super(message);
        }
    }

    /** The file is a symbolic link or has other hard links: Postfix's EPERM, 5.2.0. */
    public static final class UnsafeFileException extends IOException {
        public UnsafeFileException(String message) {
            super(message);
        }
    }

    /** The entry would make the file larger than its limit; the file is unchanged. */
    public static final class TooLargeException extends IOException {
        public TooLargeException(String message) {
            super(message);
        }
    }

    public Path file() {
        return file;
    }

    /**
     * Appends one entry.
     *
     * @param limit the largest the file may become, in bytes; 0 for no limit
     * @return the file's size after the append
     * @throws TooLargeException when the file would pass {@code limit} (nothing is left appended)
     * @throws LockedException when the dotlock stays held by another writer
     */
    public long append(long limit, Entry entry) throws IOException {
        Path parent = file.toAbsolutePath().getParent();
        if (parent != null) {
            PrivateFiles.createDirectories(parent);
        }
        requireSafe();
        Path dotlock = file.resolveSibling(file.getFileName() + ".lock");
        acquireDotlock(dotlock);
        try (FileChannel channel = open(); FileLock lock = channel.lock()) {
            long original = channel.size();
            channel.position(original);
            try {
                OutputStream out = new BufferedOutputStream(Channels.newOutputStream(channel), 64 * 1024);
                entry.writeTo(out);
                out.flush();
                long size = channel.size();
                if (limit > 0 && size > limit) {
                    throw new TooLargeException(file + ": File too large");
                }
                channel.force(true);
                return size;
            } catch (IOException | RuntimeException e) {
                try {
                    channel.truncate(original);
                    channel.force(true);
                } catch (IOException truncate) {
                    e.addSuppressed(truncate);
                }
                throw e;
            }
        } finally {
            Files.deleteIfExists(dotlock);
        }
    }

    /** The checks of Postfix's {@code safe_open} on an existing file, with its texts. */
    private void requireSafe() throws IOException {
        if (Files.isSymbolicLink(file)) {
            throw new UnsafeFileException("file is a symbolic link");
        }
        if (!Files.isRegularFile(file, LinkOption.NOFOLLOW_LINKS)) {
            return; // absent (created below), or a device such as /dev/null, or a folder (the open fails)
        }
        int links = hardLinks();
        if (links > 1) {
            throw new UnsafeFileException("file has " + links + " hard links");
        }
    }

    private int hardLinks() throws IOException {
        try {
            return (Integer) Files.getAttribute(file, "unix:nlink", LinkOption.NOFOLLOW_LINKS);
        } catch (UnsupportedOperationException | IllegalArgumentException e) {
            return 1; // no such attribute here: nothing to compare
        }
    }

    /**
     * O_NOFOLLOW closes the window between {@link #requireSafe()} and the open: a link put in place
     * meanwhile makes the open fail instead of being followed.
     */
    private FileChannel open() throws IOException {
        Set<OpenOption> options = Set.of(StandardOpenOption.CREATE, StandardOpenOption.WRITE, StandardOpenOption.READ,
            LinkOption.NOFOLLOW_LINKS);
        try {
            return FileChannel.open(file, options, PrivateFiles.fileAttributes(file));
        } catch (FileSystemException e) {
            if (Files.isSymbolicLink(file)) {
                throw new UnsafeFileException("file is a symbolic link");
            }
            throw e;
        }
    }

    private void acquireDotlock(Path dotlock) throws IOException {
        Instant deadline = clock.instant().plus(LOCK_WAIT);
        while (true) {
            try {
                PrivateFiles.createFile(dotlock);
                return;
            } catch (FileAlreadyExistsException e) {
                removeIfStale(dotlock);
                if (!clock.instant().isBefore(deadline)) {
                    throw new LockedException("unable to lock for exclusive access: " + dotlock + ": File exists");
                }
                try {
                    Thread.sleep(100);
                } catch (InterruptedException interrupted) {
                    Thread.currentThread().interrupt();
                    throw new LockedException("interrupted while waiting for " + dotlock);
                }
            }
        }
    }

    private void removeIfStale(Path dotlock) {
        try {
            FileTime modified = Files.getLastModifiedTime(dotlock);
            if (modified.toInstant().plus(STALE_LOCK).isBefore(clock.instant())) {
                Files.deleteIfExists(dotlock);
            }
        } catch (IOException gone) {
            // released meanwhile: the next try takes it
        }
    }
}
