package dev.postern.bench;

import java.nio.file.Files;
import java.nio.file.Path;

import dev.postern.tables.LookupTable;
import dev.postern.tables.TableRegistry;

/**
 * Load time and heap per entry of the 1,000,000-entry hash table: not a JMH benchmark
 * (one load is the measurement), run by bench/jmh/run.sh after the JMH runs.
 */
public final class TableFootprint {
    private TableFootprint() {
    }

    public static void main(String[] args) throws Exception {
        Path dir = Files.createTempDirectory("postern-footprint");
        Path file = TableFiles.hash(dir);
        for (int round = 1; round <= 3; round++) {
            long before = usedHeap();
            long start = System.nanoTime();
            try (TableRegistry registry = new TableRegistry(dir)) {
                LookupTable table = registry.open("hash:" + file);
                long millis = (System.nanoTime() - start) / 1_000_000;
                long bytes = usedHeap() - before;
                System.out.printf("hash: table of %,d entries: loaded in %d ms, %d bytes of heap per entry%n",
                    TableFiles.HASH_ENTRIES, millis, bytes / TableFiles.HASH_ENTRIES);
                if (table.lookup(TableFiles.hashKey(42)).isEmpty()) {
                    throw new IllegalStateException("the table lost an entry");
                }
            }
        }
    }

    private static long usedHeap() throws InterruptedException {
        Runtime runtime = Runtime.getRuntime();
        for (int i = 0; i < 3; i++) {
            System.gc();
            Thread.sleep(100);
        }
        return runtime.totalMemory() - runtime.freeMemory();
    }
}
