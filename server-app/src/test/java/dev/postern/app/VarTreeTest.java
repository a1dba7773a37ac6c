package dev.postern.app;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class VarTreeTest {
    @TempDir
    Path home;

    @Test
    void createsVarAndItsFoldersOwnerOnly() throws Exception {
        VarTree.create(home.resolve("var"));

        for (String folder : new String[] {"var", "var/queue", "var/spool", "var/store", "var/mail", "var/tls", "var/log"}) {
            assertThat(mode(home.resolve(folder))).as(folder).isEqualTo("rwx------");
        }
    }

    @Test
    void closesFoldersAnEarlierVersionLeftOpen() throws Exception {
        Path mail = Files.createDirectories(home.resolve("var/mail"));
        Files.setPosixFilePermissions(home.resolve("var"), PosixFilePermissions.fromString("rwxr-xr-x"));
        Files.setPosixFilePermissions(mail, PosixFilePermissions.fromString("rwxr-xr-x"));

        VarTree.create(home.resolve("var"));

        assertThat(mode(home.resolve("var"))).isEqualTo("rwx------");
        assertThat(mode(mail)).isEqualTo("rwx------");
    }

    private static String mode(Path path) throws Exception {
        return PosixFilePermissions.toString(Files.getPosixFilePermissions(path));
    }
}
