package dev.postern.bench;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
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

/** A regexp: table of 1,000 patterns, tried in file order: the first matches, the 500th, none. */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class RegexpTableBenchmark {
    private TableRegistry registry;
    private LookupTable table;

    @Setup
    public void load() throws Exception {
        Path dir = Files.createTempDirectory("postern-bench");
        registry = new TableRegistry(dir);
        table = registry.open("regexp:" + TableFiles.regexp(dir));
    }

    @TearDown
    public void close() {
        registry.close();
    }

    @Benchmark
    public Optional<String> firstPattern() throws LookupException {
        return table.lookup("user0@mail.example");
    }

    @Benchmark
    public Optional<String> middlePattern() throws LookupException {
        return table.lookup("user500@mail.example");
    }

    @Benchmark
    public Optional<String> noMatch() throws LookupException {
        return table.lookup("someone@mail.example");
    }
}
