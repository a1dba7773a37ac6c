package dev.postern.bench;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
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

import dev.postern.address.AccessKeys;
import dev.postern.address.ParentStyle;
import dev.postern.tables.LookupException;
import dev.postern.tables.TableRegistry;
import dev.postern.tables.TableSearch;

/**
 * The full access(5) address search against a 1,000,000-entry hash table, as
 * check_sender_access makes it: user+ext@domain, user@domain, the domain and its parents,
 * user+ext@, user@. The worst case is an address that is in no form in the table.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class AccessWalkBenchmark {
    private static final int KEYS = 4096;

    private TableRegistry registry;
    private TableSearch table;
    private final String[] listed = new String[KEYS];
    private final String[] unlisted = new String[KEYS];

    @Setup
    public void load() throws Exception {
        Path dir = Files.createTempDirectory("postern-bench");
        registry = new TableRegistry(dir);
        table = new TableSearch("check_sender_access", List.of(registry.open("hash:" + TableFiles.hash(dir))));
        for (int i = 0; i < KEYS; i++) {
            int n = ThreadLocalRandom.current().nextInt(TableFiles.HASH_ENTRIES);
            listed[i] = TableFiles.hashKey(n).replace("@", "+tag@");
            unlisted[i] = "nobody+tag@mail.sub" + n + ".example.org";
        }
    }

    @TearDown
    public void close() {
        registry.close();
    }

    @Benchmark
    public Optional<TableSearch.Hit> listedAddress() throws LookupException {
        return AccessKeys.forAddress(listed[ThreadLocalRandom.current().nextInt(KEYS)], "+",
            ParentStyle.PARENT_MATCHES_SUBDOMAINS).walk(table);
    }

    @Benchmark
    public Optional<TableSearch.Hit> unlistedAddress() throws LookupException {
        return AccessKeys.forAddress(unlisted[ThreadLocalRandom.current().nextInt(KEYS)], "+",
            ParentStyle.PARENT_MATCHES_SUBDOMAINS).walk(table);
    }
}
