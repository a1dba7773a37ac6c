package dev.postern.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.postern.config.ConfigException;
import dev.postern.config.MainCf;

class QueueCommandTest {
    @TempDir
    Path home;
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();

    private QueueCommand command(String webadminListen) {
        return new QueueCommand(PosternHome.of(home), () -> mainCf(webadminListen),
            new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
    }

    private static MainCf mainCf(String webadminListen) {
        try {
            return MainCf.parse("main.cf", List.of("postern_webadmin_listen = " + webadminListen), Map.of());
        } catch (ConfigException e) {
            throw new IllegalStateException(e);
        }
    }

    @Test
    void usageErrorsAreFoundBeforeTheServerIsAsked() {
        QueueCommand command = new QueueCommand(PosternHome.of(home), () -> {
            throw new AssertionError("main.cf read for a usage error");
        }, System.out, System.err);

        assertThatThrownBy(() -> command.run("queue", List.of("-p"))).hasMessage(QueueCommand.QUEUE_USAGE);
        assertThatThrownBy(() -> command.run("flush", List.of("now"))).hasMessage(QueueCommand.FLUSH_USAGE);
        assertThatThrownBy(() -> command.run("super", List.of())).hasMessage(QueueCommand.SUPER_USAGE);
        assertThatThrownBy(() -> command.run("super", List.of("-d"))).hasMessageStartingWith("-d needs a queue ID or ALL");
        assertThatThrownBy(() -> command.run("super", List.of("-h", "ALL", "-x", "ALL")))
            .hasMessageStartingWith("unknown option \"-x\"");
        assertThatThrownBy(() -> command.run("super", List.of("-d", "all"))).hasMessageContaining("\"all\" is not a queue ID");
        assertThatThrownBy(() -> command.run("super", List.of("-d", "ALL", "--until", "2026-12-08T06:00:00Z")))
            .hasMessageStartingWith("--until goes only with -h");
        assertThatThrownBy(() -> command.run("super", List.of("-h", "ALL", "--until")))
            .hasMessageStartingWith("--until needs a time");
        assertThatThrownBy(() -> command.run("super", List.of("-h", "ALL", "--until", "tomorrow")))
            .hasMessageStartingWith("--until tomorrow: not a date-time");
    }

    @Test
    void holdTakesAReleaseTimeInAnyOffset() {
        assertThat(QueueCommand.steps(List.of("-h", "ALL", "--until", "2026-12-08T07:00:00+01:00", "-r", "ALL")))
            .extracting(step -> step.option() + " " + step.operand() + " " + step.until().map(Object::toString).orElse("-"))
            .containsExactly("-h ALL 2026-12-08T06:00:00Z", "-r ALL -");
    }

    @Test
    void noServerIsOneLineAndStatusOne() throws IOException {
        int port;
        try (ServerSocket socket = new ServerSocket(0)) {
            port = socket.getLocalPort();
        }

        assertThat(command("0.0.0.0:" + port).run("queue", List.of())).isEqualTo(1);

        String text = err.toString(StandardCharsets.UTF_8);
        assertThat(text.lines()).hasSize(1);
        assertThat(text).startsWith("postern: fatal: no Postern server answers at 127.0.0.1:" + port
            + " (postern_webadmin_listen in " + home.resolve("conf/main.cf") + "): connection refused");
        assertThat(out.size()).isZero();
    }

    @Test
    void webAdminSwitchedOffIsNamed() {
        assertThat(command("").run("flush", List.of())).isEqualTo(1);

        assertThat(err.toString(StandardCharsets.UTF_8)).contains("postern_webadmin_listen is empty in");
    }
}
