package dev.postern.app;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class ToolLoggingTest {
    @Test
    void theSubcommandIsTheFirstArgumentThatIsNotAnOption() {
        assertThat(ToolLogging.subcommand(new String[] {"--home", "/srv/postern", "run"})).isEqualTo("run");
        assertThat(ToolLogging.subcommand(new String[] {"check", "--conf", "run"})).isEqualTo("check");
        assertThat(ToolLogging.subcommand(new String[] {"--var", "x"})).isEmpty();
    }

    @Test
    void theToolConfigurationIsOnTheClasspath() {
        assertThat(ToolLogging.class.getClassLoader().getResource(ToolLogging.TOOL_CONFIGURATION)).isNotNull();
    }
}
