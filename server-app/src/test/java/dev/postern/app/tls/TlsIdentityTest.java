package dev.postern.app.tls;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.postern.config.MainCf;

class TlsIdentityTest {
    @TempDir
    Path home;

    @Test
    void theSelfSignedKeyAndItsFolderAreOwnerOnly() throws Exception {
        MainCf mainCf = MainCf.parse("main.cf", List.of("myhostname = mx.example.com"), Map.of());

        TlsIdentity identity = TlsIdentity.of(mainCf, home, home.resolve("var/tls"));

        assertThat(mode(identity.key())).isEqualTo("rw-------");
        assertThat(mode(identity.certificate())).isEqualTo("rw-------");
        assertThat(mode(home.resolve("var/tls"))).isEqualTo("rwx------");
        assertThat(mode(home.resolve("var"))).isEqualTo("rwx------");
    }

    private static String mode(Path path) throws Exception {
        return PosixFilePermissions.toString(Files.getPosixFilePermissions(path));
    }
}
