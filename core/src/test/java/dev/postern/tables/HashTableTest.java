package dev.postern.tables;

import static dev.postern.tables.TableFiles.get;
import static dev.postern.tables.TableFiles.write;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.BufferedWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import dev.postern.config.ConfigException;

class HashTableTest {
    @TempDir
    Path dir;
    TableRegistry registry;

    @BeforeEach
    void setUp() {
        registry = new TableRegistry(dir);
    }

    @AfterEach
    void tearDown() {
        registry.close();
    }

    private static final String[] SOURCE = {
        "# a comment",
        "User@Example.COM    alice@example.net",
        "",
        "   # an indented comment does not end the logical line",
        "multi   first",
        "  second",
        "\tthird",
        "\"quoted key\"   value with spaces   ",
        "\"Quoted \\\"Escaped\\\" Key\"  escaped",
        "example.org\tOK",
        "dup   first",
        "DUP   second",
        "CaseValue   Keep THIS Case",
    };

    @ParameterizedTest(name = "{0}:{1} -> {2}")
    @CsvSource(delimiter = '|', nullValues = "NULL", value = {
        "hash     | user@example.com         | alice@example.net",
        "hash     | USER@EXAMPLE.COM         | alice@example.net",
        "hash     | User@Example.Com         | alice@example.net",
        "texthash | user@example.com         | alice@example.net",
        "lmdb     | example.org              | OK",
        "btree    | EXAMPLE.ORG              | OK",
        "cdb      | example.org              | OK",
        "dbm      | example.org              | OK",
        "hash     | multi                    | first  second\tthird",
        "hash     | quoted key               | value with spaces",
        "hash     | QUOTED KEY               | value with spaces",
        "hash     | quoted \"escaped\" key   | escaped",
        "hash     | \"quoted key\"           | NULL",
        "hash     | quoted                   | NULL",
        "hash     | dup                      | first",
        "hash     | casevalue                | Keep THIS Case",
        "hash     | second                   | NULL",
        "hash     | # a comment              | NULL",
        "hash     | ''                       | NULL",
        "hash     | example                  | NULL",
    })
    void sourceSyntaxAndFolding(String type, String key, String expected) throws Exception {
        write(dir, "map", SOURCE);
        LookupTable table = registry.open(type + ":map");

        assertThat(get(table, key)).isEqualTo(expected);
        assertThat(table.isPattern()).isFalse();
        assertThat(table.name()).isEqualTo(type + ":map");
    }

    @Test
    void duplicatesKeepTheFirstAndTheWarningNamesBothLines() throws Exception {
        Path file = write(dir, "dups", "a 1", "b 2", "A 3", "# c", "a 4", "lonely");
        List<String> warnings = new ArrayList<>();

        CompactStringMap map = HashTable.parse(file, warnings::add);

        assertThat(map.size()).isEqualTo(2);
        assertThat(map.get("a")).isEqualTo("1");
        assertThat(map.get("b")).isEqualTo("2");
        assertThat(warnings).containsExactly(
            file + ":6: expected format: key whitespace value; skipping this line",
            file + ":3: duplicate entry \"a\" ignored; the first, at " + file + ":1, is used",
            file + ":5: duplicate entry \"a\" ignored; the first, at " + file + ":1, is used");
    }

    @Test
    void entriesAreListedInFileOrderWithTheFirstValueOfADuplicate() throws Exception {
        write(dir, "listed", "zeta 1", "Alpha 2", "# c", "mid 3", "ZETA 4");

        SequencedTable table = (SequencedTable) registry.open("hash:listed");

        assertThat(table.entries()).containsExactly(Map.entry("zeta", "1"), Map.entry("alpha", "2"), Map.entry("mid", "3"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"\"unterminated key   value", "\"quoted\"value"})
    void badQuotingIsAnErrorNamingFileAndLine(String line) {
        Path file = write(dir, "bad", "good value", "# comment", line);

        assertThatThrownBy(() -> registry.open("hash:bad"))
            .isInstanceOf(ConfigException.class)
            .hasMessageStartingWith(file + ":3: ")
            .hasMessageContaining("hash:bad");
    }

    @Test
    void aMissingFileIsAnErrorNamingIt() {
        assertThatThrownBy(() -> registry.open("hash:nonexistent"))
            .isInstanceOf(ConfigException.class)
            .hasMessage(dir.resolve("nonexistent") + ": table hash:nonexistent: file not found");
    }

    @Test
    void loadsAMillionEntries() throws Exception {
        Path file = dir.resolve("big");
        try (BufferedWriter out = Files.newBufferedWriter(file)) {
            for (int i = 0; i < 1_000_000; i++) {
                out.write("user" + i + "@Example.com\t" + (i % 10 == 0 ? "REJECT" : "user" + i + "@example.net") + "\n");
            }
        }
        Runtime runtime = Runtime.getRuntime();
        System.gc();
        long usedBefore = runtime.totalMemory() - runtime.freeMemory();
        long start = System.nanoTime();

        LookupTable table = registry.open("hash:big");

        long millis = (System.nanoTime() - start) / 1_000_000;
        System.gc();
        long usedAfter = runtime.totalMemory() - runtime.freeMemory();
        System.out.printf("hash: 1,000,000 entries loaded in %d ms, about %d MB of heap%n",
            millis, (usedAfter - usedBefore) >> 20);
        assertThat(get(table, "USER999999@example.com")).isEqualTo("user999999@example.net");
        assertThat(get(table, "user0@example.com")).isEqualTo("REJECT");
        assertThat(get(table, "user1000000@example.com")).isNull();
    }
}
