package dev.postern.cleanup;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.postern.config.ConfigException;
import dev.postern.tables.LookupException;
import dev.postern.tables.LookupTable;
import dev.postern.tables.TableRegistry;

class MilterHeaderChecksTest {
    private static final CleanupContext CONTEXT = new CleanupContext("QID1", "client.example[192.0.2.1]", "s@example.com",
        "r@example.net", "ESMTP", "client.example");

    @TempDir
    Path dir;

    private final List<String> log = new ArrayList<>();

    private MilterHeaderChecks checks(String... rules) throws IOException {
        Path file = dir.resolve("milter_header_checks");
        Files.write(file, List.of(rules));
        TableRegistry registry = new TableRegistry(dir);
        return MilterHeaderChecks.open(List.of("pcre:" + file), spec -> {
            try {
                return registry.open(spec);
            } catch (ConfigException e) {
                throw new IllegalArgumentException(e.getMessage(), e);
            }
        }, 102400);
    }

    @Test
    void aRejectedMilterHeaderRefusesTheMessageAndIsLoggedAsPostfixDoes() throws IOException {
        MilterHeaderChecks.Result result = checks("/^X-Spam-Flag:\\s+YES/ REJECT 5.7.1 spam per milter")
            .check(List.of("X-Spam-Score: 9.1", "X-Spam-Flag: YES"), CONTEXT, log::add, false);

        assertThat(result.outcome().refusal()).get().satisfies(reply -> {
            assertThat(reply.code()).isEqualTo(550);
            assertThat(reply.dsn()).isEqualTo("5.7.1");
            assertThat(reply.text()).isEqualTo("spam per milter");
        });
        assertThat(log).containsExactly("QID1: milter-header-reject: header X-Spam-Flag: YES from client.example[192.0.2.1];"
            + " from=<s@example.com> to=<r@example.net> proto=ESMTP helo=<client.example>: 5.7.1 spam per milter");
    }

    @Test
    void ignoreKeepsAHeaderOutReplaceChangesItAndOthersStayAsTheyAre() throws IOException {
        MilterHeaderChecks.Result result = checks(
                "/^X-Internal-Score:/ IGNORE",
                "/^X-Virus:\\s+(.*)/ REPLACE X-Virus-Checked: $1")
            .check(List.of("X-Internal-Score: 3", "X-Virus: clean", "Authentication-Results: mx; dkim=pass"), CONTEXT,
                log::add, false);

        assertThat(result.outcome().refusal()).isEmpty();
        assertThat(result.headers()).containsExactly(Optional.empty(), Optional.of("X-Virus-Checked: clean"),
            Optional.of("Authentication-Results: mx; dkim=pass"));
    }

    @Test
    void holdFilterRedirectAndBccAreTheMessagesAsInHeaderChecks() throws IOException {
        MilterHeaderChecks.Result result = checks(
                "/^X-Spam-Level:\\s+\\*{5}/ HOLD spammy",
                "/^X-Spam-Flag:\\s+YES/ FILTER smtp:[127.0.0.1]:10026",
                "/^X-Copy:/ BCC archive@example.net")
            .check(List.of("X-Spam-Level: *******", "X-Spam-Flag: YES", "X-Copy: yes"), CONTEXT, log::add, false);

        assertThat(result.outcome().hold()).contains("spammy");
        assertThat(result.outcome().filter()).contains("smtp:[127.0.0.1]:10026");
        assertThat(result.outcome().bcc()).containsExactly("archive@example.net");
        assertThat(log).first().asString().startsWith("QID1: milter-header-hold: header X-Spam-Level: *******");
    }

    @Test
    void prependIsNotCarriedOutAndSaysSo() throws IOException {
        MilterHeaderChecks.Result result = checks("/^X-Spam-Flag:/ PREPEND X-Seen: yes")
            .check(List.of("X-Spam-Flag: NO"), CONTEXT, log::add, false);

        assertThat(result.headers()).containsExactly(Optional.of("X-Spam-Flag: NO"));
        assertThat(log).contains("warning: QID1: the milter_header_checks prepend action is not implemented");
    }

    @Test
    void aTableThatCannotAnswerRefusesTheMessageForNow() {
        LookupTable broken = new LookupTable() {
            @Override
            public Optional<String> lookup(String key) throws LookupException {
                throw new LookupException("connection refused");
            }

            @Override
            public String name() {
                return "pcre:/broken";
            }

            @Override
            public boolean isPattern() {
                return true;
            }
        };
        MilterHeaderChecks checks = MilterHeaderChecks.open(List.of("pcre:/broken"), spec -> broken, 102400);

        MilterHeaderChecks.Result result = checks.check(List.of("X-Spam-Flag: YES"), CONTEXT, log::add, false);

        assertThat(result.outcome().refusal()).get().extracting(reply -> reply.code()).isEqualTo(451);
        assertThat(log).containsExactly(
            "warning: QID1: milter_header_checks map lookup problem -- message not accepted, try again later");
    }

    @Test
    void aTableThatCannotBeOpenedNamesTheParameter() {
        assertThatThrownBy(() -> MilterHeaderChecks.open(List.of("pcre:/nowhere"), spec -> {
            throw new IllegalArgumentException("/nowhere: no such file");
        }, 102400)).hasMessage("milter_header_checks: cannot open pcre:/nowhere: /nowhere: no such file");
    }

    @Test
    void withoutTablesNothingIsChecked() {
        assertThat(MilterHeaderChecks.none().isEmpty()).isTrue();
        assertThat(MilterHeaderChecks.open(List.of(), spec -> null, 0).isEmpty()).isTrue();
    }
}
