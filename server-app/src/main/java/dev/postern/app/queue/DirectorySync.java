package dev.postern.app.queue;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Group commit for one directory: makes the caller's earlier renames (or creations, or deletions) in
 * that directory durable, sharing one fsync between every caller that asked while the previous fsync
 * was running.
 *
 * <p>Each caller takes a ticket after its rename. Whoever holds the lock notes the highest ticket
 * issued so far, fsyncs, and records that number: every ticket up to it was taken after its rename
 * completed, hence before this fsync started, hence is covered by it. A caller whose ticket is already
 * covered when it gets the lock returns without syncing. Nobody returns before an fsync that started
 * after its own rename has finished.
 */
final class DirectorySync {
    private final Path directory;
    private final SyncStatistics statistics;
    private final AtomicLong issued = new AtomicLong();
    private final ReentrantLock lock = new ReentrantLock();
    private long covered;

    private DirectorySync(Path directory, SyncStatistics statistics) {
        this.directory = directory;
        this.statistics = statistics;
    }

    void awaitDurable() throws IOException {
        long ticket = issued.incrementAndGet();
        lock.lock();
        try {
            if (covered >= ticket) {
                return;
            }
            long target = issued.get();
            try (FileChannel channel = FileChannel.open(directory, StandardOpenOption.READ)) {
                channel.force(true);
            }
            statistics.directorySynced();
            covered = target;
        } finally {
            lock.unlock();
        }
    }

    /** One {@link DirectorySync} per directory, so that all writers to a directory share its group commit. */
    static final class Factory {
        private final SyncStatistics statistics;
        private final ConcurrentMap<Path, DirectorySync> syncs = new ConcurrentHashMap<>();

        Factory(SyncStatistics statistics) {
            this.statistics = statistics;
        }

        DirectorySync forDirectory(Path directory) {
            return syncs.computeIfAbsent(directory.toAbsolutePath().normalize(), path -> new DirectorySync(path, statistics));
        }

        SyncStatistics statistics() {
            return statistics;
        }
    }
}
