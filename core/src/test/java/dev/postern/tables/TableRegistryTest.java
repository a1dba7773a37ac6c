package dev.postern.tables;

import static dev.postern.tables.TableFiles.get;
import static dev.postern.tables.TableFiles.write;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import dev.postern.config.ConfigException;

class TableRegistryTest {
    @TempDir
    Path dir;
    TableRegistry registry;
    final List<String> failures = new CopyOnWriteArrayList<>();
    final List<Path> reloads = new CopyOnWriteArrayList<>();

    @BeforeEach
    void setUp() {
        registry = new TableRegistry(dir, TableRegistry.DEFAULT_POLL_INTERVAL, new TableRegistry.ReloadListener() {
            @Override
            public void reloaded(Path file) {
                reloads.add(file);
            }

            @Override
            public void reloadFailed(Path file, String message) {
                failures.add(message);
            }
        });
    }

    @AfterEach
    void tearDown() {
        registry.close();
    }

    @Test
    void theSameNameIsTheSameInstance() throws Exception {
        write(dir, "virtual", "a@example.com b@example.net");
        write(dir, "checks", "/x/ REJECT");
        write(dir, "access", "10.0.0.0/8 OK");

        for (String spec : List.of("hash:virtual", "regexp:checks", "pcre:checks", "cidr:access", "inline:{a=b}",
                "static:x", "fail:x", "unionmap:{hash:virtual, static:x}", "pipemap:{hash:virtual, static:x}")) {
            assertThat(registry.open(spec)).as(spec).isSameAs(registry.open(spec)).isSameAs(registry.open(" " + spec + " "));
        }
    }

    @Test
    void filesListsEachTableFileOnceAndNoInMemoryTable() throws Exception {
        write(dir, "virtual", "a@example.com b@example.net");
        write(dir, "access", "10.0.0.0/8 OK");
        assertThat(registry.files()).isEmpty();

        registry.open("hash:virtual");
        registry.open("texthash:virtual");
        registry.open("unionmap:{cidr:access, static:x}");
        registry.open("inline:{a=b}");

        assertThat(registry.files()).containsExactly(dir.resolve("access").toAbsolutePath().normalize(),
            dir.resolve("virtual").toAbsolutePath().normalize());
    }

    @Test
    void aFileOpenedUnderSeveralHashTypesIsReadOnce() throws Exception {
        write(dir, "virtual", "a@example.com b@example.net");

        HashTable hash = (HashTable) registry.open("hash:virtual");
        HashTable lmdb = (HashTable) registry.open("lmdb:virtual");
        HashTable texthash = (HashTable) registry.open("texthash:" + dir.resolve("virtual"));
        HashTable cdb = (HashTable) registry.open("cdb:./sub/../virtual");

        assertThat(lmdb.source()).isSameAs(hash.source()).isSameAs(texthash.source()).isSameAs(cdb.source());
        assertThat(lmdb.source().contents()).isSameAs(hash.source().contents());
        assertThat(lmdb.name()).isEqualTo("lmdb:virtual");
        assertThat(hash.name()).isEqualTo("hash:virtual");
        // Members of composite tables come from the registry too.
        UnionTable union = (UnionTable) registry.open("unionmap:{hash:virtual}");
        assertThat(get(union, "A@example.com")).isEqualTo("b@example.net");
    }

    @Test
    void aChangedFileIsVisibleAfterThePoll() throws Exception {
        Path file = write(dir, "virtual", "a@example.com old");
        LookupTable hash = registry.open("hash:virtual");
        write(dir, "checks", "/a/ old");
        LookupTable regexp = registry.open("regexp:checks");
        write(dir, "access", "10.0.0.0/8 old");
        LookupTable cidr = registry.open("cidr:access");

        write(dir, "virtual", "a@example.com new", "b@example.com added");
        write(dir, "checks", "/a/ new");
        write(dir, "access", "10.0.0.0/8 new");

        // The listener hears of a reload after the new table is in place: wait for both.
        awaitTrue(() -> "new".equals(get(hash, "a@example.com")) && "new".equals(get(regexp, "a"))
            && "new".equals(get(cidr, "10.1.1.1")) && reloads.contains(file));
        assertThat(get(hash, "b@example.com")).isEqualTo("added");
    }

    @Test
    void aReplacedFileIsReloadedEvenWithTheSameSizeAndTime() throws Exception {
        Path file = write(dir, "virtual", "a@example.com old");
        FileTime time = Files.getLastModifiedTime(file);
        LookupTable hash = registry.open("hash:virtual");
        Path replacement = write(dir, "virtual.new", "a@example.com new");
        Files.setLastModifiedTime(replacement, time);

        Files.move(replacement, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);

        awaitTrue(() -> "new".equals(get(hash, "a@example.com")));
    }

    /** A reload whose file has a rule Postfix would skip uses the rest and reports the rule, as at start. */
    @ParameterizedTest
    @ValueSource(strings = {"regexp", "pcre", "cidr"})
    void aReloadSkipsAMalformedRuleWithAWarning(String type) throws Exception {
        String good = type.equals("cidr") ? "10.0.0.0/8 old" : "/^a$/ old";
        String bad = type.equals("cidr") ? "10.0.0.1/8 new" : "/unclosed( new";
        String key = type.equals("cidr") ? "10.0.0.1" : "a";
        Path file = write(dir, "table", good);
        LookupTable table = registry.open(type + ":table");
        assertThat(registry.warnings()).isEmpty();

        write(dir, "table", "# changed", good.replace("old", "new"), bad);

        awaitTrue(() -> "new".equals(get(table, key)));
        assertThat(registry.warnings()).singleElement().satisfies(warning -> {
            assertThat(warning.source()).isEqualTo(file.toString());
            assertThat(warning.line()).isEqualTo(3);
            assertThat(warning.message()).endsWith(": skipping this rule");
        });
        assertThat(failures).isEmpty();

        write(dir, "table", good.replace("old", "fixed"));
        awaitTrue(() -> "fixed".equals(get(table, key)));
        assertThat(registry.warnings()).isEmpty();
    }

    @ParameterizedTest
    @ValueSource(strings = {"hash"})
    void aFailedReloadKeepsTheOldContentsAndNamesFileAndLine(String type) throws Exception {
        String good = switch (type) {
            case "regexp" -> "/^a$/ old";
            case "cidr" -> "10.0.0.0/8 old";
            default -> "a old";
        };
        String bad = switch (type) {
            case "regexp" -> "/unclosed( new";
            case "cidr" -> "10.0.0.1/8 new";
            default -> "\"unterminated new";
        };
        String key = type.equals("cidr") ? "10.0.0.1" : "a";
        Path file = write(dir, "table", good);
        LookupTable table = registry.open(type + ":table");

        write(dir, "table", "# changed", good.replace("old", "new"), bad);

        awaitTrue(() -> !failures.isEmpty());
        assertThat(failures.get(0)).startsWith(file + ":3: ").contains("keeping the previous contents");
        assertThat(get(table, key)).isEqualTo("old");

        // Fixing the file brings the new contents in.
        write(dir, "table", good.replace("old", "fixed"));
        awaitTrue(() -> "fixed".equals(get(table, key)));
        assertThat(failures).hasSize(1);
    }

    @Test
    void aDeletedFileKeepsTheOldContentsUntilItComesBack() throws Exception {
        Path file = write(dir, "virtual", "a@example.com old");
        LookupTable hash = registry.open("hash:virtual");

        Files.delete(file);
        awaitTrue(() -> !failures.isEmpty());
        assertThat(failures.get(0)).startsWith(file + ": ").contains("file not found");
        assertThat(get(hash, "a@example.com")).isEqualTo("old");

        write(dir, "virtual", "a@example.com back");
        awaitTrue(() -> "back".equals(get(hash, "a@example.com")));
        assertThat(failures).hasSize(1);
    }

    @Test
    void checkForChangesReloadsAtOnce() throws Exception {
        try (TableRegistry slow = new TableRegistry(dir, Duration.ofHours(1), new TableRegistry.ReloadListener() { })) {
            write(dir, "virtual", "a old");
            LookupTable hash = slow.open("hash:virtual");
            write(dir, "virtual", "a new", "b longer than before");

            slow.checkForChanges();

            assertThat(get(hash, "a")).isEqualTo("new");
        }
    }

    @Test
    void readersSeeTheOldContentsOrTheNewNeverAMix() throws Exception {
        int entries = 20_000;
        writeGeneration(entries, "gen0");
        LookupTable hash = registry.open("hash:big");
        AtomicBoolean stop = new AtomicBoolean();
        AtomicReference<String> mixed = new AtomicReference<>();
        Thread reader = new Thread(() -> {
            while (!stop.get()) {
                String first = get(hash, "key0");
                String last = get(hash, "key" + (entries - 1));
                // Both lookups in one snapshot cannot be told apart here; each one must be complete.
                if (first == null || last == null) {
                    mixed.set("missing entry: " + first + " / " + last);
                }
            }
        });
        reader.start();
        for (int generation = 1; generation <= 3; generation++) {
            writeGeneration(entries, "gen" + generation);
            String expected = "gen" + generation;
            awaitTrue(() -> expected.equals(get(hash, "key" + (entries - 1))));
            assertThat(get(hash, "key0")).isEqualTo(expected);
        }
        stop.set(true);
        reader.join();
        assertThat(mixed.get()).isNull();
    }

    private void writeGeneration(int entries, String value) throws Exception {
        StringBuilder text = new StringBuilder();
        for (int i = 0; i < entries; i++) {
            text.append("key").append(i).append(' ').append(value).append('\n');
        }
        Path temporary = dir.resolve("big.tmp");
        Files.writeString(temporary, text);
        Files.move(temporary, dir.resolve("big"), StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    @Test
    void openErrorsNameTheTableAndFile() {
        assertThatThrownBy(() -> registry.open("regexp:missing"))
            .isInstanceOf(ConfigException.class)
            .hasMessage(dir.resolve("missing") + ": table regexp:missing: file not found");
        Path file = write(dir, "bad", "\"unterminated value");
        assertThatThrownBy(() -> registry.open("hash:bad"))
            .isInstanceOf(ConfigException.class)
            .hasMessageStartingWith(file + ":1: ").hasMessageEndingWith("(table hash:bad)");
    }

    @Test
    void aClosedRegistryOpensNothingButItsTablesStillAnswer() throws Exception {
        write(dir, "virtual", "a b");
        LookupTable hash = registry.open("hash:virtual");
        registry.close();

        assertThat(get(hash, "a")).isEqualTo("b");
        assertThatThrownBy(() -> registry.open("static:x")).isInstanceOf(IllegalStateException.class);
    }

    /** Waits up to two seconds (the promised reload delay) for the condition. */
    private static void awaitTrue(java.util.function.BooleanSupplier condition) throws InterruptedException {
        // The poller looks every second; the margin is for a loaded machine, not a promise.
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("not within 2 seconds");
            }
            Thread.sleep(20);
        }
    }
}
