package dev.postern.app;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.postern.config.MainCf;

class MasterCfCheckTest {
    @TempDir
    Path home;

    @BeforeEach
    void conf() throws Exception {
        Files.createDirectories(home.resolve("conf"));
        Files.writeString(home.resolve("conf/main.cf"), "myhostname = mx.example\n");
    }

    private MasterCfCheck.Found check(String... masterCf) throws Exception {
        Files.writeString(home.resolve("conf/master.cf"), String.join("\n", masterCf) + "\n");
        return new MasterCfCheck(PosternHome.of(home)).check(MainCf.parse("main.cf", List.of(), Map.of()));
    }

    private String masterCf() {
        return home.resolve("conf/master.cf").toAbsolutePath().toString();
    }

    @Test
    void noMasterCfIsNothingToReport() {
        MasterCfCheck.Found found = new MasterCfCheck(PosternHome.of(home)).check(MainCf.defaults());

        assertThat(found.errors()).isEmpty();
        assertThat(found.warnings()).isEmpty();
    }

    @Test
    void debiansMasterCfDistHasNothingToReport() throws Exception {
        Path dist = Path.of("/usr/share/postfix/master.cf.dist");
        MasterCfCheck.Found found = check(Files.readString(dist));

        assertThat(found.errors()).isEmpty();
        assertThat(found.warnings()).isEmpty();
    }

    @Test
    void aLineThatDoesNotParseIsTheOneError() throws Exception {
        MasterCfCheck.Found found = check("smtp inet n - y - - smtpd", "broken unix - -");

        assertThat(found.errors()).singleElement().asString().startsWith(masterCf() + ", line 2").contains("8 fields");
    }

    @Test
    void everyBadTransportIsAnErrorNotOnlyTheFirst() throws Exception {
        MasterCfCheck.Found found = check(
            "one unix - n n - - pipe flags=Z user=nobody argv=/bin/cat",
            "two unix - n n - - pipe user=root argv=/bin/cat",
            "three unix - - n - - smtp -o no_such_parameter=1",
            "fine unix - n n - - pipe flags=R user=no-such-account argv=/bin/cat ${recipient}");

        assertThat(found.errors()).hasSize(3)
            .anyMatch(error -> error.startsWith(masterCf() + ", line 1: one/unix: flags=Z: unknown flag 'Z'"))
            .anyMatch(error -> error.contains("line 2: two/unix") && error.contains("never runs as root"))
            .anyMatch(error -> error.contains("line 3: three/unix") && error.contains("no_such_parameter"));
        assertThat(found.warnings()).isEmpty();
    }

    @Test
    void aServicePosternDoesNotRunIsAWarning() throws Exception {
        MasterCfCheck.Found found = check("policy unix - n n - 0 spawn user=nobody argv=/usr/bin/policyd");

        assertThat(found.errors()).isEmpty();
        assertThat(found.warnings()).containsExactly(
            masterCf() + ", line 1: policy/unix: Postern does not run spawn; this service is left out");
    }
}
