package dev.postern.delivery.local;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class PipeCommandTest {
    @TempDir
    Path dir;

    @Test
    void theCommandReadsTheMessageWithItsEnvironmentInTheHome() throws Exception {
        PipeCommand command = new PipeCommand(dir, Duration.ofSeconds(30));

        PipeCommand.Outcome outcome = command.run("cat > out.txt; echo \"$RECIPIENT $SENDER\" > env.txt",
            Map.of("RECIPIENT", "team@mx.example", "SENDER", "alice@example.net"), "Subject: hi\n\nbody\n"
                .getBytes(StandardCharsets.UTF_8));

        assertThat(outcome).isEqualTo(new PipeCommand.Outcome(true, false, "2.0.0",
            "delivered to command: cat > out.txt; echo \"$RECIPIENT $SENDER\" > env.txt"));
        assertThat(Files.readString(dir.resolve("out.txt"))).isEqualTo("Subject: hi\n\nbody\n");
        assertThat(Files.readString(dir.resolve("env.txt"))).isEqualTo("team@mx.example alice@example.net\n");
    }

    @Test
    void theCommandSeesOnlyTheEnvironmentItIsGiven() throws Exception {
        assertThat(System.getenv()).as("the test JVM's own environment").isNotEmpty();

        PipeCommand.Outcome outcome = new PipeCommand(dir, Duration.ofSeconds(30))
            .run("/usr/bin/env > env.txt", Map.of("RECIPIENT", "team@mx.example"), new byte[0]);

        assertThat(outcome.delivered()).as(outcome.toString()).isTrue();
        assertThat(Files.readAllLines(dir.resolve("env.txt")).stream().map(line -> line.substring(0, line.indexOf('='))))
            .as("variables, besides those the shell may set itself").contains("RECIPIENT")
            .isSubsetOf("RECIPIENT", "PWD", "SHLVL", "_");
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "exit 75|false|true|4.3.0|Command died with status 75: \"exit 75\"",
        "exit 71|false|true|4.3.0|Command died with status 71: \"exit 71\"",
        "exit 67|false|false|5.1.1|Command died with status 67: \"exit 67\"",
        "exit 1|false|false|5.3.0|Command died with status 1: \"exit 1\"",
        "echo no such list; exit 1|false|false|5.3.0|Command died with status 1: \"echo no such list; exit 1\". Command output: no such list",
        "echo 5.7.1 go away; exit 77|false|false|5.7.1|go away",
        "echo 5.2.2 full; exit 75|false|true|4.2.2|full"})
    void exitStatusesAreJudgedBySysexits(String script, boolean delivered, boolean temporary, String dsn, String text) {
        PipeCommand.Outcome outcome = new PipeCommand(dir, Duration.ofSeconds(30)).run(script, Map.of(), new byte[0]);

        assertThat(outcome).isEqualTo(new PipeCommand.Outcome(delivered, temporary, dsn, text));
    }

    @Test
    void aCommandPastItsTimeLimitIsKilledAndBounces() {
        PipeCommand.Outcome outcome = new PipeCommand(dir, Duration.ofMillis(300)).run("sleep 30", Map.of(), new byte[0]);

        assertThat(outcome).isEqualTo(new PipeCommand.Outcome(false, false, "5.3.0",
            "Command time limit exceeded: \"sleep 30\""));
    }
}
