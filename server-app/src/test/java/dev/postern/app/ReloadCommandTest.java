package dev.postern.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ReloadCommandTest {
    @TempDir
    Path home;
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();

    private ReloadCommand command() {
        PosternHome posternHome = PosternHome.of(home);
        return new ReloadCommand(posternHome, () -> PosternMain.loadMainCf(posternHome),
            new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
    }

    private void writeMainCf(String... lines) throws IOException {
        Path mainCf = PosternHome.of(home).mainCf();
        Files.createDirectories(mainCf.getParent());
        Files.write(mainCf, List.of(lines), StandardCharsets.UTF_8);
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    @Test
    void argumentsAreAUsageError() {
        assertThatThrownBy(() -> command().run(List.of("now"))).hasMessage(ReloadCommand.USAGE);
    }

    @Test
    void anInvalidMainCfIsRefusedNamingItsLineWithoutAskingTheServer() throws IOException {
        writeMainCf("postern_webadmin_listen = 127.0.0.1:" + freePort(), "# comment", "smtpd_proxy_filter = 127.0.0.1:10024");

        int status = command().run(List.of());

        assertThat(status).isEqualTo(1);
        assertThat(err.toString(StandardCharsets.UTF_8)).startsWith(
                "postern: fatal: configuration not reloaded, the running one stays: " + PosternHome.of(home).mainCf() + ":3: ")
            .contains("smtpd_proxy_filter")
            .doesNotContain("no Postern server answers")
            .hasLineCount(1);
        assertThat(out.toString(StandardCharsets.UTF_8)).isEmpty();
    }

    @Test
    void noServerIsOneLineAndStatusOne() throws IOException {
        int port = freePort();
        writeMainCf("postern_webadmin_listen = 127.0.0.1:" + port);

        int status = command().run(List.of());

        assertThat(status).isEqualTo(1);
        assertThat(err.toString(StandardCharsets.UTF_8))
            .startsWith("postern: fatal: no Postern server answers at 127.0.0.1:" + port)
            .contains("is it running?")
            .hasLineCount(1);
    }

    @Test
    void withoutWebAdminTheCommandSaysSo() throws IOException {
        writeMainCf("postern_webadmin_listen =");

        assertThat(command().run(List.of())).isEqualTo(1);
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("postern_webadmin_listen is empty")
            .contains("reload needs WebAdmin");
    }
}
