package dev.postern.app.queue;

import java.util.concurrent.atomic.AtomicLong;

/**
 * Counts the fsync calls the queue makes, so that the cost of an enqueue can be measured rather than
 * guessed (the benchmark and the tests read it). File syncs make a file's bytes durable; directory
 * syncs make renames and deletions durable and are shared between concurrent writers.
 */
public final class SyncStatistics {
    private final AtomicLong fileSyncs = new AtomicLong();
    private final AtomicLong directorySyncs = new AtomicLong();

    public long fileSyncs() {
        return fileSyncs.get();
    }

    public long directorySyncs() {
        return directorySyncs.get();
    }

    public long total() {
        return fileSyncs() + directorySyncs();
    }

    void fileSynced() {
        fileSyncs.incrementAndGet();
    }

    void directorySynced() {
        directorySyncs.incrementAndGet();
    }

    @Override
    public String toString() {
        return "fileSyncs=" + fileSyncs() + " directorySyncs=" + directorySyncs();
    }
}
