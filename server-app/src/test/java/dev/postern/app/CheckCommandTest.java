package dev.postern.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.apache.james.domainlist.api.DomainList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CheckCommandTest {
    @TempDir
    Path home;

    @Test
    void argumentsAreAUsageError() {
        CheckCommand command = new CheckCommand(PosternHome.of(home), System.out, System.err);

        assertThatThrownBy(() -> command.run(List.of("extra"))).isInstanceOf(IllegalArgumentException.class)
            .hasMessageContaining(CommandLine.USAGE);
    }

    @Test
    void theStandInDomainListRefusesEveryQuestion() {
        DomainList domains = CheckCommand.unavailable(DomainList.class);

        assertThatThrownBy(() -> domains.containsDomain(null)).isInstanceOf(UnsupportedOperationException.class)
            .hasMessageContaining("DomainList").hasMessageContaining("containsDomain");
        assertThat(domains.toString()).isEqualTo("unavailable DomainList");
    }

    @Test
    void aMissingMainCfIsOneProblemAndStatusOne() throws Exception {
        Files.createDirectories(home.resolve("conf"));
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        CheckCommand command = new CheckCommand(PosternHome.of(home), new PrintStream(out, true, StandardCharsets.UTF_8),
            new PrintStream(err, true, StandardCharsets.UTF_8));

        int status = command.run(List.of());

        assertThat(status).isEqualTo(1);
        assertThat(out.toString(StandardCharsets.UTF_8)).isEmpty();
        assertThat(err.toString(StandardCharsets.UTF_8).lines().toList()).singleElement().asString()
            .startsWith("postern: fatal: ").contains("main.cf");
    }

    @Test
    void relayDomainsWithoutRelayRecipientMapsIsAWarning() throws Exception {
        Files.createDirectories(home.resolve("conf"));
        Files.writeString(home.resolve("conf/main.cf"), "myhostname = mx.example\nrelay_domains = relayed.example\n");
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        CheckCommand command = new CheckCommand(PosternHome.of(home), new PrintStream(new ByteArrayOutputStream()),
            new PrintStream(err, true, StandardCharsets.UTF_8));

        command.run(List.of());

        assertThat(err.toString(StandardCharsets.UTF_8).lines().toList()).first().asString()
            .startsWith("postern: warning: relay_domains is set (relayed.example) but relay_recipient_maps is empty:")
            .contains("backscatter");
    }
}
