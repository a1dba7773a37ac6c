package dev.postern.delivery.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DefaultPrivsTest {
    @TempDir
    Path dir;

    @Test
    void isResolvedOnlyWhenPosternRunsAsRoot() {
        Optional<DefaultPrivs> privs = DefaultPrivs.whenRoot("nobody");

        if (DefaultPrivs.currentUid() == 0) {
            assertThat(privs).get().satisfies(account -> {
                assertThat(account.name()).isEqualTo("nobody");
                assertThat(account.uid()).isPositive();
                assertThat(account.gid()).isPositive();
            });
        } else {
            assertThat(privs).isEmpty();
        }
    }

    @Test
    void rootAndUnknownUsersAreRefusedNamingTheParameter() {
        assertThatThrownBy(() -> DefaultPrivs.lookUp("root")).isInstanceOf(IllegalArgumentException.class)
            .hasMessage("default_privs: \"root\" is a privileged user (uid or gid 0)");
        assertThatThrownBy(() -> DefaultPrivs.lookUp("no-such-user-postern")).isInstanceOf(IllegalArgumentException.class)
            .hasMessage("default_privs: unknown user \"no-such-user-postern\"");
        assertThatThrownBy(() -> DefaultPrivs.lookUp("x;rm -rf")).isInstanceOf(IllegalArgumentException.class)
            .hasMessage("default_privs: \"x;rm -rf\" is not a user name");
    }

    /** As root the command gets nobody's uid and gid and no other group; any other user cannot switch at all. */
    @Test
    void aCommandRunsWithTheAccountsUidAndGidAndNoOtherGroup() throws Exception {
        DefaultPrivs nobody = DefaultPrivs.lookUp("nobody");
        String check = "test \"$(id -u)\" = " + nobody.uid() + " && test \"$(id -g)\" = " + nobody.gid()
            + " && test \"$(id -G)\" = " + nobody.gid();

        PipeCommand.Outcome outcome = new PipeCommand(dir, Duration.ofSeconds(30), Optional.of(nobody))
            .run("PATH=/usr/bin:/bin; " + check, Map.of(), new byte[0]);

        if (DefaultPrivs.currentUid() == 0) {
            assertThat(outcome.delivered()).as(outcome.toString()).isTrue();
        } else {
            assertThat(outcome.delivered()).as("setpriv refuses a user that is not root").isFalse();
        }
    }

    @Test
    void mayWriteFollowsTheModeBitsTheKernelWouldApply() throws Exception {
        DefaultPrivs other = new DefaultPrivs("mailer", 54321, 54321);
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwx--x--x"));
        Path mine = Files.writeString(dir.resolve("mine"), "x");
        Files.setPosixFilePermissions(mine, PosixFilePermissions.fromString("rw-r--r--"));
        Path shared = Files.writeString(dir.resolve("shared"), "x");
        Files.setPosixFilePermissions(shared, PosixFilePermissions.fromString("rw-rw-rw-"));
        Path closedFolder = Files.createDirectory(dir.resolve("closed"));
        Files.setPosixFilePermissions(closedFolder, PosixFilePermissions.fromString("rwx------"));
        Path openFolder = Files.createDirectory(dir.resolve("open"));
        Files.setPosixFilePermissions(openFolder, PosixFilePermissions.fromString("rwxrwxrwx"));

        assertThat(other.mayWrite(mine)).isFalse();
        assertThat(other.mayWrite(shared)).isTrue();
        assertThat(other.mayWrite(dir.resolve("new"))).as("creating in a folder it may not write").isFalse();
        assertThat(other.mayWrite(openFolder.resolve("new"))).isTrue();
        assertThat(other.mayWrite(closedFolder.resolve("new"))).isFalse();
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwx------"));
        assertThat(other.mayWrite(shared)).as("a folder above it may not search").isFalse();
        assertThat(other.mayWrite(Path.of("/dev/null"))).isTrue();
    }
}
