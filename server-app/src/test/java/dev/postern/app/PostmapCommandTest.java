package dev.postern.app;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import dev.postern.config.ConfigException;
import dev.postern.config.MainCf;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PostmapCommandTest {
    @TempDir
    Path home;

    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();

    @BeforeEach
    void tables() throws Exception {
        Files.createDirectories(home.resolve("conf"));
        Files.writeString(home.resolve("conf/access"), "# comment\nSpammer@Example.COM  REJECT no thanks\nexample.net OK\n");
    }

    private int run(String... arguments) {
        return runWithInput("", arguments);
    }

    private int runWithInput(String input, String... arguments) {
        return new PostmapCommand(PosternHome.of(home), this::mainCf, stdin(input),
            new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8))
            .run(List.of(arguments));
    }

    private int postalias(String input, String... arguments) {
        return PostmapCommand.postalias(PosternHome.of(home), stdin(input), new PrintStream(out, true, StandardCharsets.UTF_8),
            new PrintStream(err, true, StandardCharsets.UTF_8)).run(List.of(arguments));
    }

    private static ByteArrayInputStream stdin(String input) {
        return new ByteArrayInputStream(input.getBytes(StandardCharsets.UTF_8));
    }

    private MainCf mainCf() {
        try {
            return MainCf.parse("main.cf", List.of("myhostname = mx.example.com", "recipient_delimiter = +"), Map.of());
        } catch (ConfigException e) {
            throw new IllegalStateException(e);
        }
    }

    @Test
    void anAddressWalkPrintsTheKeyThatMatched() {
        assertThat(run("-a", "sender", "-q", "<Someone+Tag@Mail.Example.NET>", "hash:conf/access")).isEqualTo(0);
        assertThat(out.toString(StandardCharsets.UTF_8)).isEqualTo("example.net\tOK\thash:conf/access\n");
    }

    @Test
    void aClientWalkTriesTheNameThenTheAddressAndItsParts() throws Exception {
        Files.writeString(home.resolve("conf/clients"), "192.0.2 REJECT network\nexample.org OK\n");

        assertThat(run("-a", "client", "-q", "mail.example.com[192.0.2.7]", "texthash:conf/clients")).isEqualTo(0);
        assertThat(out.toString(StandardCharsets.UTF_8)).isEqualTo("192.0.2\tREJECT network\ttexthash:conf/clients\n");
    }

    @Test
    void aWalkThatFindsNothingExitsOne() {
        assertThat(run("-a", "recipient", "-q", "user@elsewhere.example", "hash:conf/access")).isEqualTo(1);
        assertThat(run("-a", "nonsense", "-q", "x", "hash:conf/access")).isEqualTo(2);
    }

    @Test
    void aFoundKeyPrintsItsValueAndExitsZero() {
        assertThat(run("-q", "spammer@example.com", "hash:conf/access")).isEqualTo(0);
        assertThat(out.toString(StandardCharsets.UTF_8)).isEqualTo("REJECT no thanks\n");
    }

    @Test
    void tablesAreQueriedInOrderAndTheFirstValueWins() {
        assertThat(run("-q", "example.net", "inline:{example.net=FIRST}", "texthash:conf/access")).isEqualTo(0);
        assertThat(out.toString(StandardCharsets.UTF_8)).isEqualTo("FIRST\n");
    }

    @Test
    void aMissingKeyExitsOneAndPrintsNothing() {
        assertThat(run("-q", "nobody@example.org", "texthash:conf/access")).isEqualTo(1);
        assertThat(out.toString(StandardCharsets.UTF_8)).isEmpty();
    }

    @Test
    void aLookupErrorExitsTwoAndIsNotTakenForAMiss() {
        assertThat(run("-q", "example.net", "fail:broken", "texthash:conf/access")).isEqualTo(2);
        assertThat(err.toString(StandardCharsets.UTF_8)).startsWith("postern: fatal: table fail:broken: lookup of \"example.net\" failed");
        assertThat(out.toString(StandardCharsets.UTF_8)).isEmpty();
    }

    @Test
    void aTableThatCannotBeOpenedExitsTwoNamingIt() {
        assertThat(run("-q", "x", "hash:conf/missing")).isEqualTo(2);
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("conf/missing").contains("file not found");
    }

    @Test
    void usageErrorsExitTwo() {
        assertThat(run("hash:conf/access")).isEqualTo(2);
        assertThat(err.toString(StandardCharsets.UTF_8)).contains(PostmapCommand.USAGE);
    }

    @Test
    void keysFromStandardInputPrintKeyTabValueForEachOneFound() {
        int status = runWithInput("Example.NET\nnobody.example\n\nspammer@example.com\n", "-q", "-", "hash:conf/access");

        assertThat(status).isEqualTo(0);
        // the key as it was given, as Postfix prints it; a key not found prints nothing
        assertThat(out.toString(StandardCharsets.UTF_8)).isEqualTo("Example.NET\tOK\nspammer@example.com\tREJECT no thanks\n");
    }

    @Test
    void keysFromStandardInputNoneFoundExitsOne() {
        assertThat(runWithInput("nobody.example\n", "-q", "-", "hash:conf/access")).isEqualTo(1);
        assertThat(out.toString(StandardCharsets.UTF_8)).isEmpty();
    }

    @Test
    void aTableWithoutTypeIsHash() {
        assertThat(run("-q", "example.net", "conf/access")).isEqualTo(0);
        assertThat(out.toString(StandardCharsets.UTF_8)).isEqualTo("OK\n");
    }

    @Test
    void sequenceDumpsEveryEntryInFileOrderWithFoldedKeys() {
        assertThat(run("-s", "hash:conf/access")).isEqualTo(0);
        assertThat(out.toString(StandardCharsets.UTF_8)).isEqualTo("spammer@example.com\tREJECT no thanks\nexample.net\tOK\n");
    }

    @Test
    void sequenceOfAPatternTableIsNotSupported() throws Exception {
        Files.writeString(home.resolve("conf/patterns"), "/x/ OK\n");

        assertThat(run("-s", "regexp:conf/patterns")).isEqualTo(2);
        assertThat(err.toString(StandardCharsets.UTF_8))
            .isEqualTo("postern: fatal: table regexp:conf/patterns: sequence operation is not supported\n");
    }

    @Test
    void postaliasQueriesAnAliasesFile() throws Exception {
        Files.writeString(home.resolve("conf/aliases"), "postmaster: root\nroot: bob,\n  alice\n");

        assertThat(postalias("", "-q", "root", "conf/aliases")).isEqualTo(0);
        assertThat(out.toString(StandardCharsets.UTF_8)).isEqualTo("bob, alice\n");
        assertThat(postalias("", "-q", "nobody", "hash:conf/aliases")).isEqualTo(1);
    }

    @Test
    void postaliasPrintsTheKeyWithItsColonForStandardInputAndSequence() throws Exception {
        Files.writeString(home.resolve("conf/aliases"), "postmaster: root\nroot: bob\n");

        assertThat(postalias("ROOT\nnobody\n", "-q", "-", "conf/aliases")).isEqualTo(0);
        assertThat(postalias("", "-s", "conf/aliases")).isEqualTo(0);
        assertThat(out.toString(StandardCharsets.UTF_8)).isEqualTo("ROOT:\tbob\npostmaster:\troot\nroot:\tbob\n");
    }

    @Test
    void postaliasHasNoAccessWalk() {
        assertThat(postalias("", "-a", "client", "-q", "x", "conf/aliases")).isEqualTo(2);
        assertThat(err.toString(StandardCharsets.UTF_8)).contains(PostmapCommand.ALIAS_USAGE);
    }
}
