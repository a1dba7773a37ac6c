package dev.postern.app.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import dev.postern.app.harness.ExitResult;
import dev.postern.app.harness.PosternExtension;
import dev.postern.app.harness.PosternProcess;

/**
 * {@code postern postmap} and {@code postern postalias} as Postfix's tools behave: {@code -q -}
 * reads keys from standard input and prints {@code key<TAB>value}, {@code -s} lists a table, exit
 * status 0 found / 1 not found, and a table's warnings on standard error as
 * {@code postern: warning: FILE, line N: ...}, with nothing written under the home. Where Postfix's
 * own postmap is installed, its output for the same table and keys is the reference.
 */
class TableToolsIT {
    private static final Path REAL_POSTMAP = Path.of("/usr/sbin/postmap");
    private static final String TABLE = "a.example  one\nB.Example  two\n# comment\nc.example  three\n  continued\n";
    private static final String KEYS = "a.example\nnothing.example\nB.EXAMPLE\n\nc.example\n";

    @RegisterExtension
    final PosternExtension postern = new PosternExtension();

    @Test
    void queryKeysFromStandardInputAsPostfixDoes() throws Exception {
        PosternProcess server = postern.newServer();
        Files.writeString(server.confDir().resolve("table"), TABLE);

        ExitResult result = server.runCommandWithInput(KEYS, "postmap", "-q", "-", "hash:conf/table");

        assertThat(result.exitCode()).as("%s", result).isZero();
        assertThat(result.stdoutLines()).as("%s", result)
            .containsExactly("a.example\tone", "B.EXAMPLE\ttwo", "c.example\tthree  continued");
        assertThat(result.stderr()).as("%s", result).isEmpty();
        if (Files.isExecutable(REAL_POSTMAP)) {
            assertThat(result.stdout()).as("postern's output against Postfix's postmap").isEqualTo(realPostmap(KEYS));
        }
    }

    @Test
    void theRealPostmapIsTheReference() throws Exception {
        assumeTrue(Files.isExecutable(REAL_POSTMAP), "Postfix's postmap is not installed");
        PosternProcess server = postern.newServer();
        Files.writeString(server.confDir().resolve("table"), TABLE);

        ExitResult none = server.runCommandWithInput("nothing.example\n", "postmap", "-q", "-", "conf/table");
        ExitResult one = server.runCommand("postmap", "-q", "B.example", "conf/table");

        assertThat(none.exitCode()).as("%s", none).isEqualTo(realPostmapStatus("nothing.example\n", "-q", "-")).isEqualTo(1);
        assertThat(one.exitCode()).as("%s", one).isEqualTo(realPostmapStatus("", "-q", "B.example")).isZero();
        assertThat(one.stdoutLines()).containsExactly("two");
    }

    @Test
    void sequenceListsEveryEntry() throws Exception {
        PosternProcess server = postern.newServer();
        Files.writeString(server.confDir().resolve("table"), TABLE);

        ExitResult result = server.runCommand("postmap", "-s", "conf/table");

        assertThat(result.exitCode()).as("%s", result).isZero();
        // Postfix prints in its database's order; Postern in the file's, with keys folded as stored
        assertThat(result.stdoutLines()).containsExactly("a.example\tone", "b.example\ttwo", "c.example\tthree  continued");
    }

    @Test
    void aDuplicateKeyIsAWarningOnStandardErrorInPostfixForm() throws Exception {
        PosternProcess server = postern.newServer();
        Path table = server.confDir().resolve("dups");
        Files.writeString(table, "a.example one\nb.example two\na.example again\n");
        Files.deleteIfExists(server.varDir());

        ExitResult result = server.runCommand("postmap", "-q", "a.example", "hash:conf/dups");

        assertThat(result.exitCode()).as("%s", result).isZero();
        assertThat(result.stdoutLines()).as("only the value on standard output: %s", result).containsExactly("one");
        assertThat(result.stderrLines()).as("%s", result).singleElement().asString()
            .startsWith("postern: warning: " + table + ", line 3: duplicate entry \"a.example\"");
        assertThat(server.varDir()).as("a table tool writes no log file").doesNotExist();
    }

    @Test
    void postaliasQueriesAndListsAnAliasesFile() throws Exception {
        PosternProcess server = postern.newServer();
        Files.writeString(server.confDir().resolve("aliases"), "postmaster: root\nroot: bob,\n  alice\n");

        ExitResult one = server.runCommand("postalias", "-q", "root", "conf/aliases");
        ExitResult keys = server.runCommandWithInput("POSTMASTER\nnobody\n", "postalias", "-q", "-", "conf/aliases");
        ExitResult missing = server.runCommand("postalias", "-q", "nobody", "conf/aliases");
        ExitResult all = server.runCommand("postalias", "-s", "hash:conf/aliases");

        assertThat(one.exitCode()).as("%s", one).isZero();
        assertThat(one.stdoutLines()).containsExactly("bob, alice");
        assertThat(keys.stdoutLines()).as("%s", keys).containsExactly("POSTMASTER:\troot");
        assertThat(missing.exitCode()).as("%s", missing).isEqualTo(1);
        assertThat(all.stdoutLines()).as("%s", all).containsExactly("postmaster:\troot", "root:\tbob, alice");
    }

    /** Postfix's postmap on a copy of the table, with a configuration directory of its own. */
    private static String realPostmap(String input) throws IOException, InterruptedException {
        return runRealPostmap(input, "-q", "-").stdout;
    }

    private static int realPostmapStatus(String input, String... query) throws IOException, InterruptedException {
        return runRealPostmap(input, query).status;
    }

    private record Real(int status, String stdout) {
    }

    private static Real runRealPostmap(String input, String... query) throws IOException, InterruptedException {
        Path dir = Files.createTempDirectory("real-postmap");
        Files.createDirectories(dir.resolve("cf"));
        Files.writeString(dir.resolve("cf/main.cf"), "");
        Files.writeString(dir.resolve("table"), TABLE);
        run(dir, input, REAL_POSTMAP.toString(), "-c", dir.resolve("cf").toString(), "hash:" + dir.resolve("table"));
        List<String> command = new ArrayList<>(List.of(REAL_POSTMAP.toString(), "-c", dir.resolve("cf").toString()));
        command.addAll(List.of(query));
        command.add("hash:" + dir.resolve("table"));
        return run(dir, input, command.toArray(String[]::new));
    }

    private static Real run(Path dir, String input, String... command) throws IOException, InterruptedException {
        Path in = dir.resolve("in");
        Files.writeString(in, input);
        Process process = new ProcessBuilder(command).redirectInput(in.toFile())
            .redirectError(ProcessBuilder.Redirect.DISCARD).start();
        String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.waitFor(30, TimeUnit.SECONDS)).isTrue();
        return new Real(process.exitValue(), out);
    }
}
