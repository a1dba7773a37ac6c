package dev.postern.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;

/**
 * docs/parameters.md is generated from the parameter table: this fails while the committed file
 * differs from what {@link ParameterReference} renders, and rewrites it when run with
 * {@code -Dpostern.regenerate=true}.
 */
class ParameterReferenceTest {
    /** Surefire runs the tests in the module's folder, core/. */
    private static final Path COMMITTED = Path.of("..", "docs", "parameters.md");

    @Test
    void theCommittedReferenceIsTheRenderedTable() throws Exception {
        String rendered = ParameterReference.render();
        if (Boolean.getBoolean("postern.regenerate")) {
            Files.writeString(COMMITTED, rendered, StandardCharsets.UTF_8);
        }
        assertThat(COMMITTED).as("docs/parameters.md, relative to the core module").exists();
        assertThat(Files.readString(COMMITTED, StandardCharsets.UTF_8))
            .as("docs/parameters.md is stale: it differs from the parameter table in"
                + " dev.postern.config.Parameters / ReloadScope. Regenerate it from the top of the repository with: "
                + ParameterReference.REGENERATE_COMMAND)
            .isEqualTo(rendered);
    }

    @Test
    void everyParameterHasOneRowWithItsDefaultAndReloadScope() {
        String rendered = ParameterReference.render();

        for (Parameter parameter : Parameters.all()) {
            assertThat(rendered).contains("| `" + parameter.name() + "` |");
        }
        assertThat(rendered)
            .contains("| `relayhost` | string | (empty) | yes |")
            .contains("| `myhostname` | string | the machine's fully qualified name;")
            .contains("| `postern_smtpd_listen` | host:port | `0.0.0.0:2525` | restart |")
            .contains("| `minimal_backoff_time` | time | `300s` | yes |")
            .contains("| `mail_version` | string | Postern's version | restart |")
            // a | in a description would split the table cell
            .contains("where \\|command destinations are allowed");
    }
}
