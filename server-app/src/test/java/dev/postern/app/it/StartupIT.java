package dev.postern.app.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.postern.app.harness.ExitResult;
import dev.postern.app.harness.PosternExtension;
import dev.postern.app.harness.PosternProcess;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** What the operator sees when the server cannot start, and the informational subcommands. */
class StartupIT {

    private static final Duration EXIT = Duration.ofSeconds(60);

    @RegisterExtension
    final PosternExtension postern = new PosternExtension();

    @Test
    void aSafetyRelevantUnimplementedParameterInMainCfIsAStartupErrorNamingTheLine() {
        PosternProcess server = postern.newServer();
        int line = server.appendMainCf("smtpd_proxy_filter = 127.0.0.1:10024");

        ExitResult result = server.runUntilExit(EXIT);

        assertThat(result.exitCode()).as("%s", result).isNotZero();
        List<String> errors = result.stderrLines().stream().filter(l -> l.contains("smtpd_proxy_filter")).toList();
        assertThat(errors).as("stderr lines naming smtpd_proxy_filter in %s", result).hasSize(1);
        assertThat(errors.get(0)).contains("main.cf:" + line).contains("postern_allow_unimplemented = yes");
        assertNoStackTrace(result);
    }

    @Test
    void busySmtpPortIsAStartupErrorNamingTheAddress() throws IOException {
        PosternProcess server = postern.newServer();
        try (ServerSocket occupier = new ServerSocket(server.smtpPort(), 50, InetAddress.getByName("127.0.0.1"))) {
            assertThat(occupier.isBound()).isTrue();

            ExitResult result = server.runUntilExit(EXIT);

            assertThat(result.exitCode()).as("%s", result).isNotZero();
            assertThat(result.stderrLines()).as("stderr of %s", result)
                    .anyMatch(l -> l.contains("127.0.0.1:" + server.smtpPort()));
            assertNoStackTrace(result);
        }
    }

    @Test
    void theFirstRunWritesAClassDataArchiveThatTheNextStartMaps() throws IOException {
        PosternProcess server = postern.newServer().env("POSTERN_CDS", "yes").start();
        assertThat(server.stop()).isZero();
        Path cds = server.varDir().resolve("cds");
        List<Path> archives;
        try (Stream<Path> files = Files.list(cds)) {
            archives = files.toList();
        }
        assertThat(archives).as("files in %s", cds).singleElement()
                .satisfies(a -> assertThat(a.getFileName().toString()).matches("postern-\\d+\\.jsa"));

        server.start();
        String maps = Files.readString(Path.of("/proc/" + server.pid() + "/maps"));

        assertThat(maps).as("the JVM's mappings").contains(archives.get(0).toString());
        assertThat(server.consoleOfCurrentRun()).doesNotContain("[cds]");
    }

    @Test
    void postconfListsExplicitAndOverriddenValues() {
        PosternProcess server = postern.newServer();
        server.appendMainCf("myhostname = from-main-cf.postconf-it.test");
        server.relayhost(2525);

        ExitResult all = server.runCommand("postconf", "-n");
        assertThat(all.exitCode()).as("%s", all).isZero();
        assertThat(all.stdoutLines()).as("postconf -n output")
                .contains("myhostname = from-main-cf.postconf-it.test")
                .contains("relayhost = [127.0.0.1]:2525")
                .contains("postern_smtpd_listen = 127.0.0.1:" + server.smtpPort());

        ExitResult one = server.runCommand("postconf", "relayhost");
        assertThat(one.exitCode()).as("%s", one).isZero();
        assertThat(one.stdoutLines()).containsExactly("relayhost = [127.0.0.1]:2525");
    }

    @Test
    void versionPrintsAVersion() {
        PosternProcess server = postern.newServer();

        ExitResult result = server.runCommandWithoutHome("version");

        assertThat(result.exitCode()).as("%s", result).isZero();
        assertThat(result.stdout()).as("%s", result).containsPattern("\\d+\\.\\d+\\.\\d+");
    }

    private static void assertNoStackTrace(ExitResult result) {
        assertThat(result.allLines()).as("no stack trace in %s", result)
                .noneMatch(l -> l.startsWith("\tat "))
                .noneMatch(l -> l.startsWith("Caused by: "))
                .noneMatch(l -> l.startsWith("Exception in thread "));
    }
}
