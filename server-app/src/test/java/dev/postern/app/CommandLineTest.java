package dev.postern.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.Test;

class CommandLineTest {
    private static final Path DIST = Path.of("/opt/postern");

    @Test
    void homeDefaultsToTheDistribution() {
        CommandLine line = CommandLine.parse(new String[] {"run"}, DIST);

        assertThat(line.subcommand()).isEqualTo("run");
        assertThat(line.home()).isEqualTo(PosternHome.of(DIST));
        assertThat(line.home().mainCf()).isEqualTo(Path.of("/opt/postern/conf/main.cf"));
    }

    @Test
    void confAndVarMoveIndependentlyOfHome() {
        CommandLine line = CommandLine.parse(new String[] {"postconf", "--home", "/srv/p", "-n", "--conf", "/etc/postern",
            "--var", "/var/lib/postern", "myhostname"}, DIST);

        assertThat(line.home()).isEqualTo(new PosternHome(Path.of("/srv/p"), Path.of("/etc/postern"), Path.of("/var/lib/postern")));
        assertThat(line.arguments()).containsExactly("-n", "myhostname");
    }

    @Test
    void missingValuesAndSubcommandsAreUsageErrors() {
        assertThatThrownBy(() -> CommandLine.parse(new String[] {"run", "--home"}, DIST))
            .hasMessageStartingWith("--home needs a directory");
        assertThatThrownBy(() -> CommandLine.parse(new String[] {}, DIST))
            .hasMessage(CommandLine.USAGE);
        assertThat(CommandLine.parse(new String[] {"version"}, DIST).arguments()).isEqualTo(List.of());
    }
}
