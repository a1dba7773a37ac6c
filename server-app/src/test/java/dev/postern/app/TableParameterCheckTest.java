package dev.postern.app;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import dev.postern.config.MainCf;
import dev.postern.tables.TableRegistry;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TableParameterCheckTest {
    @TempDir
    Path home;

    private List<TableParameterCheck.Found> check(String... mainCf) throws Exception {
        try (TableRegistry registry = new TableRegistry(home)) {
            return new TableParameterCheck(registry).problems(MainCf.parse("main.cf", List.of(mainCf), Map.of()),
                PosternHome.of(home));
        }
    }

    @Test
    void everyBadTableOfEveryMapsParameterIsNamed() throws Exception {
        Files.writeString(home.resolve("transport"), "example.com smtp:[relay.example]\n");

        List<TableParameterCheck.Found> problems = check("transport_maps = hash:transport, hash:missing-transport",
            "smtp_sasl_password_maps = hash:missing-passwords", "virtual_alias_maps = nosuchtype:x");

        assertThat(problems).extracting(TableParameterCheck.Found::parameter)
            .containsExactlyInAnyOrder("transport_maps", "smtp_sasl_password_maps", "virtual_alias_maps");
        assertThat(problems).allMatch(found -> found.text().startsWith("main.cf:") && found.text().contains(found.cause()));
    }

    @Test
    void aliasesAreReadAsAliasesFilesAndTheirIncludeFilesMustBeReadable() throws Exception {
        Files.writeString(home.resolve("members"), "bob\n");
        Files.writeString(home.resolve("aliases"), "ok: :include:members\nbroken: :include:" + home.resolve("gone") + "\n");

        List<TableParameterCheck.Found> problems = check("alias_maps = hash:aliases");

        assertThat(problems).singleElement().satisfies(found -> {
            assertThat(found.parameter()).isEqualTo("alias_maps");
            assertThat(found.text()).contains("\"broken\"").contains(home.resolve("gone").toString());
        });
    }

    @Test
    void aCleanConfigurationHasNoProblem() throws Exception {
        assertThat(check("myhostname = mx.example.com")).isEmpty();
    }
}
