package dev.postern.tables;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import dev.postern.config.ConfigException;

class AliasFileTest {
    @TempDir
    Path dir;

    @Test
    void namesAreFoldedAndDestinationsSplitAtCommasOutsideQuotes() throws Exception {
        Path file = TableFiles.write(dir, "aliases",
            "# the team",
            "Team: bob, carol@example.net,",
            "  dave",
            "",
            "\"odd name\": \"|/usr/bin/filter -a, -b\", /var/mail/archive",
            "list: :include:conf/list.txt");

        Map<String, String> aliases = AliasFile.parse(file);

        assertThat(aliases).containsOnlyKeys("team", "odd name", "list");
        assertThat(AliasList.split(aliases.get("team"))).containsExactly("bob", "carol@example.net", "dave");
        assertThat(AliasList.split(aliases.get("odd name"))).containsExactly("|/usr/bin/filter -a, -b", "/var/mail/archive");
        assertThat(AliasList.split(aliases.get("list"))).containsExactly(":include:conf/list.txt");
    }

    @Test
    void aDuplicateKeepsTheFirstAndWarnsWithBothLines() throws Exception {
        Path file = TableFiles.write(dir, "aliases", "a: one", "b: two", "A: three");
        List<String> warnings = new ArrayList<>();

        Map<String, String> aliases = AliasFile.parse(file, warnings::add);

        assertThat(aliases).containsEntry("a", "one");
        assertThat(warnings).containsExactly(file + ":3: duplicate alias \"a\" (first at line 1); keeping the first");
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "bob carol|2|missing ':' after \"bob\"",
        "bob:|2|alias \"bob\" has no destination",
        "bob: a,,b|2|alias \"bob\": empty destination",
        "bob: \"/bin/cmd|2|alias \"bob\": unterminated quote",
        "bob: :include:|2|alias \"bob\": :include: without a file name",
        ": a|2|missing alias name"})
    void errorsNameFileAndLine(String line, int number, String message) {
        Path file = TableFiles.write(dir, "aliases", "ok: fine", line);

        assertThatThrownBy(() -> AliasFile.parse(file))
            .isInstanceOf(ConfigException.class)
            .hasMessageStartingWith(file + ":" + number + ": ")
            .hasMessageContaining(message);
    }

    @Test
    void theRegistryReadsFileTypesInAliasesFormatAndOthersAsTables() throws Exception {
        TableFiles.write(dir, "aliases", "postmaster: root", "root: bob, \"|exit 0\"");
        try (TableRegistry registry = new TableRegistry(dir)) {
            LookupTable aliases = registry.openAliases("texthash:aliases");
            assertThat(TableFiles.get(aliases, "ROOT")).isEqualTo("bob, \"|exit 0\"");
            assertThat(TableFiles.get(aliases, "nobody")).isNull();
            assertThat(registry.openAliases("hash:aliases")).isNotNull();

            LookupTable inline = registry.openAliases("inline:{ {sales = bob, carol} }");
            assertThat(TableFiles.get(inline, "sales")).isEqualTo("bob, carol");
        }
    }

    @Test
    void aBadAliasesFileStopsTheOpenWithFileAndLine() {
        Path file = TableFiles.write(dir, "aliases", "good: a", "bad");
        try (TableRegistry registry = new TableRegistry(dir)) {
            assertThatThrownBy(() -> registry.openAliases("texthash:aliases"))
                .isInstanceOf(ConfigException.class)
                .hasMessageStartingWith(file + ":2: ")
                .hasMessageEndingWith("(table texthash:aliases)");
        }
    }
}
