package dev.postern.app.harness;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * PosternProcess's process handling, checked against {@link FakePostern} behind a fake distribution, so the
 * harness can be trusted before the real server runs.
 */
class PosternProcessTest {

    @TempDir
    Path temp;

    private Path distribution;
    private PosternProcess server;

    @BeforeEach
    void fakeDistribution() {
        distribution = FakeDistribution.create(temp.resolve("dist"));
        server = PosternProcess.create(distribution, temp.resolve("home"));
    }

    @AfterEach
    void closeServer() {
        server.close();
    }

    @Test
    void homeIsACopyOfTheDistributionConf() throws IOException {
        assertThat(server.mainCf()).hasContent("# fake main.cf\nmyhostname = fake.example");
        assertThat(server.varDir()).isEmptyDirectory();
        assertThat(server.home().resolve("extensions-jars")).isEmptyDirectory();
        assertThat(Set.of(server.smtpPort(), server.submissionPort(), server.submissionsPort(), server.webadminPort()))
                .hasSize(4);
        assertThat(server.parameterOverrides()).containsEntry("postern_smtpd_listen", "127.0.0.1:" + server.smtpPort())
                .containsEntry("postern_webadmin_listen", "127.0.0.1:" + server.webadminPort())
                .containsEntry("mynetworks", "127.0.0.1/32");
    }

    @Test
    void appendMainCfReturnsTheLineNumberAndRepairsAMissingFinalNewline() throws IOException {
        assertThat(server.appendMainCf("a = 1", "b = 2")).isEqualTo(3);
        Files.writeString(server.mainCf(), "x = 1", StandardCharsets.UTF_8);
        assertThat(server.appendMainCf("bogus_parameter = 1")).isEqualTo(2);
        assertThat(server.mainCf()).hasContent("x = 1\nbogus_parameter = 1");
    }

    @Test
    void startWaitsForTheGreetingAndSigtermExitsZero() {
        server.start();
        assertThat(server.isRunning()).isTrue();
        try (SmtpClient client = server.connect()) {
            assertThat(client.greeting().code()).isEqualTo(220);
        }
        assertThat(server.stop()).isZero();
        assertThat(server.isRunning()).isFalse();
        assertThat(server.console()).contains("=== harness: start #1", "fake postern started on 127.0.0.1:"
                + server.smtpPort(), "fake postern stopped");
        assertThat(server.maillogLines()).containsExactly("Jan  1 00:00:00 fake postern/master[1]: daemon started");
    }

    @Test
    void killThenStartAgainOnTheSameHomeAndPorts() {
        server.start();
        long firstPid = server.pid();
        assertThat(server.kill()).isEqualTo(137);
        assertThat(FreePorts.isFree(server.smtpPort())).isTrue();

        server.start();
        assertThat(server.pid()).isNotEqualTo(firstPid);
        try (SmtpClient client = server.connect()) {
            assertThat(client.greeting().code()).isEqualTo(220);
        }
        assertThat(server.console()).contains("=== harness: start #2");
        assertThat(server.consoleOfCurrentRun()).doesNotContain("start #1");
        assertThat(server.maillogLines()).hasSize(2);
    }

    @Test
    void startFailsFastWithTheConsoleWhenTheProcessExits() {
        int line = server.appendMainCf("bogus_parameter = 1");
        assertThatThrownBy(server::start)
                .isInstanceOf(AssertionError.class)
                .hasMessageContaining("exited with status 1 before its SMTP port answered")
                .hasMessageContaining("main.cf:" + line + ": unknown parameter bogus_parameter");
    }

    @Test
    void runUntilExitSeparatesStandardError() {
        int line = server.appendMainCf("bogus_parameter = 1");
        ExitResult result = server.runUntilExit(Duration.ofSeconds(30));
        assertThat(result.exitCode()).isEqualTo(1);
        assertThat(result.stdout()).isEmpty();
        assertThat(result.stderrLines()).containsExactly(
                "postern: fatal: " + server.mainCf() + ":" + line + ": unknown parameter bogus_parameter");
    }

    @Test
    void runUntilExitReportsABusyPort() throws IOException {
        try (ServerSocket busy = new ServerSocket(server.smtpPort(), 50, InetAddress.getByName("127.0.0.1"))) {
            assertThat(busy.getLocalPort()).isEqualTo(server.smtpPort());
            ExitResult result = server.runUntilExit(Duration.ofSeconds(30));
            assertThat(result.exitCode()).isEqualTo(1);
            assertThat(result.stderr()).contains("127.0.0.1:" + server.smtpPort());
        }
    }

    @Test
    void commandsSeeTheOverrides() {
        server.relayhost(2525);
        ExitResult postconf = server.runCommand("postconf", "-n");
        assertThat(postconf.exitCode()).isZero();
        assertThat(postconf.stdoutLines()).contains("relayhost = [127.0.0.1]:2525", "myhostname = fake.example");
        ExitResult version = server.runCommandWithoutHome("version");
        assertThat(version.stdout().strip()).isEqualTo("postern 0.0.0-fake");
    }

    @Test
    void webAdminHelpersSpeakJamesRoutes() {
        server.start();
        WebAdminClient web = server.webAdmin();
        web.putDomain("example.org");
        web.putUser("alice@example.org", "secret");
        assertThat(web.domains()).containsExactly("example.org");
        assertThat(web.users()).containsExactly("alice@example.org");
        assertThat(web.spoolQueueSize()).isZero();
        web.flushSpool();
        assertThatThrownBy(() -> web.flushQueue("nosuchqueue")).isInstanceOf(AssertionError.class)
                .hasMessageContaining("HTTP 404");

        assertThat(server.stop()).isZero();
        server.start();
        assertThat(server.webAdmin().users()).containsExactly("alice@example.org");
    }

    @Test
    void flushUntilFailsWithDiagnostics() {
        server.start();
        assertThatThrownBy(() -> server.flushUntil("something impossible", Duration.ofMillis(500),
                Duration.ofMillis(100), () -> false))
                .isInstanceOf(AssertionError.class)
                .hasMessageContaining("waiting for something impossible")
                .hasMessageContaining("console.log");
    }
}
