package dev.postern.app.webadmin;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class WebAdminTokenTest {
    @TempDir
    Path var;

    @Test
    void theFirstStartMakesARandomTokenReadableByTheOwnerOnly() throws IOException {
        WebAdminToken token = WebAdminToken.loadOrCreate(var);

        Path file = var.resolve("store/webadmin.token");
        assertThat(Files.readString(file).strip()).matches("[A-Za-z0-9_-]{43}");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file))).isEqualTo("rw-------");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file.getParent()))).isEqualTo("rwx------");
        assertThat(token.authorization()).isEqualTo("Bearer " + Files.readString(file).strip());
        try (var files = Files.list(file.getParent())) {
            assertThat(files).as("no temporary file left").containsExactly(file);
        }
    }

    @Test
    void laterStartsKeepTheTokenAndTightenLooseModes() throws IOException {
        WebAdminToken first = WebAdminToken.loadOrCreate(var);
        Path file = WebAdminToken.file(var);
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-r--r--"));

        WebAdminToken again = WebAdminToken.loadOrCreate(var);

        assertThat(again.authorization()).isEqualTo(first.authorization());
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file))).isEqualTo("rw-------");
    }

    @Test
    void twoHomesGetDifferentTokens() throws IOException {
        assertThat(WebAdminToken.loadOrCreate(var.resolve("a")).authorization())
            .isNotEqualTo(WebAdminToken.loadOrCreate(var.resolve("b")).authorization());
    }

    @Test
    void onlyTheExactBearerHeaderAuthorizes() throws IOException {
        WebAdminToken token = WebAdminToken.loadOrCreate(var);
        String value = token.authorization().substring("Bearer ".length());

        assertThat(token.authorizes("Bearer " + value)).isTrue();
        assertThat(token.authorizes(null)).isFalse();
        assertThat(token.authorizes("")).isFalse();
        assertThat(token.authorizes("Bearer")).isFalse();
        assertThat(token.authorizes("Bearer " + value.substring(1))).isFalse();
        assertThat(token.authorizes("Bearer " + value + "x")).isFalse();
        assertThat(token.authorizes("Basic " + value)).isFalse();
        assertThat(token.toString()).doesNotContain(value);
    }

    @Test
    void theCommandLineSaysWhatIsWrongWithTheTokenFile() throws IOException {
        assertThatThrownBy(() -> WebAdminToken.read(var)).hasMessageStartingWith("no WebAdmin token at "
            + var.resolve("store/webadmin.token"));

        Files.createDirectories(var.resolve("store"));
        Files.writeString(var.resolve("store/webadmin.token"), "short\n");
        assertThatThrownBy(() -> WebAdminToken.read(var)).hasMessageContaining("does not hold a WebAdmin token");
    }
}
