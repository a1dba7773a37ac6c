package dev.postern.bench;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

import dev.postern.tables.LookupException;
import dev.postern.tables.LookupTable;
import dev.postern.tables.TableRegistry;

/** One lookup in a hash: table of 1,000,000 entries, a key that is there and one that is not. */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class HashTableBenchmark {
    private static final int KEYS = 4096;

    private TableRegistry registry;
    private LookupTable table;
    private final String[] hits = new String[KEYS];
    private final String[] misses = new String[KEYS];

    @Setup
    public void load() throws Exception {
        Path dir = Files.createTempDirectory("postern-bench");
        registry = new TableRegistry(dir);
        table = registry.open("hash:" + TableFiles.hash(dir));
        for (int i = 0; i < KEYS; i++) {
            int n = ThreadLocalRandom.current().nextInt(TableFiles.HASH_ENTRIES);
            hits[i] = TableFiles.hashKey(n);
            misses[i] = "nobody" + n + "@domain" + n + ".example";
        }
    }

    @TearDown
    public void close() {
        registry.close();
    }

    @Benchmark
    public Optional<String> hit() throws LookupException {
        return table.lookup(hits[ThreadLocalRandom.current().nextInt(KEYS)]);
    }

    @Benchmark
    public Optional<String> miss() throws LookupException {
        return table.lookup(misses[ThreadLocalRandom.current().nextInt(KEYS)]);
    }
}
