package dev.postern.app.queue;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DirectorySyncTest {
    @TempDir
    Path directory;

    @Test
    void aLoneCallerSyncsOnce() throws Exception {
        SyncStatistics statistics = new SyncStatistics();
        DirectorySync sync = new DirectorySync.Factory(statistics).forDirectory(directory);

        sync.awaitDurable();
        sync.awaitDurable();

        assertThat(statistics.directorySyncs()).isEqualTo(2);
    }

    @Test
    void concurrentCallersShareSyncsAndAllReturn() throws Exception {
        SyncStatistics statistics = new SyncStatistics();
        DirectorySync.Factory factory = new DirectorySync.Factory(statistics);
        int callers = 16;
        int rounds = 50;
        ExecutorService threads = Executors.newFixedThreadPool(callers);
        CountDownLatch start = new CountDownLatch(1);
        List<Future<?>> results = new ArrayList<>();
        for (int i = 0; i < callers; i++) {
            results.add(threads.submit(() -> {
                start.await();
                for (int round = 0; round < rounds; round++) {
                    factory.forDirectory(directory).awaitDurable();
                }
                return null;
            }));
        }
        start.countDown();
        for (Future<?> result : results) {
            result.get(1, TimeUnit.MINUTES);
        }
        threads.shutdown();

        assertThat(statistics.directorySyncs()).isBetween(1L, (long) callers * rounds);
        System.out.printf("%d directory sync requests served by %d fsyncs%n", callers * rounds, statistics.directorySyncs());
    }
}
