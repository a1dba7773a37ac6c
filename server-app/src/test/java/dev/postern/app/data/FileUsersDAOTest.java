package dev.postern.app.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;

import org.apache.james.core.Username;
import org.apache.james.user.api.UsersRepositoryException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FileUsersDAOTest {
    @TempDir
    Path var;

    private FileUsersDAO open() {
        return new FileUsersDAO(var.resolve("store/users.properties"));
    }

    @Test
    void usersAndPasswordsSurviveAReopen() throws Exception {
        open().addUser(Username.of("alice@example.org"), "secret");

        FileUsersDAO reopened = open();
        assertThat(reopened.contains(Username.of("alice@example.org"))).isTrue();
        assertThat(reopened.getUserByName(Username.of("alice@example.org")).orElseThrow().verifyPassword("secret")).isTrue();
        assertThat(reopened.getUserByName(Username.of("alice@example.org")).orElseThrow().verifyPassword("wrong")).isFalse();
    }

    @Test
    void passwordsAreNotStoredInClear() throws Exception {
        open().addUser(Username.of("alice@example.org"), "secret-password");

        assertThat(Files.readString(var.resolve("store/users.properties"))).doesNotContain("secret-password");
    }

    @Test
    void removalIsDurable() throws Exception {
        FileUsersDAO dao = open();
        dao.addUser(Username.of("alice@example.org"), "secret");
        dao.removeUser(Username.of("alice@example.org"));

        assertThat(open().countUsers()).isZero();
        assertThatThrownBy(() -> open().removeUser(Username.of("alice@example.org")))
            .isInstanceOf(UsersRepositoryException.class);
    }

    @Test
    void thePasswordHashesAreReadableByPosternOnly() throws Exception {
        Path file = var.resolve("store/users.properties");
        // A temporary file a crash left with a wide mode must not pass that mode on.
        Files.createDirectories(file.getParent());
        Files.writeString(file.resolveSibling(".users.properties.tmp"), "left over");
        Files.setPosixFilePermissions(file.resolveSibling(".users.properties.tmp"), PosixFilePermissions.fromString("rw-r--r--"));

        open().addUser(Username.of("alice@example.org"), "secret");

        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file))).isEqualTo("rw-------");
        Path fresh = var.resolve("other/store/users.properties");
        new FileUsersDAO(fresh).addUser(Username.of("bob@example.org"), "secret");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(fresh))).isEqualTo("rw-------");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(fresh.getParent()))).isEqualTo("rwx------");
    }
}
