package dev.postern.files;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.nio.file.FileSystem;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PrivateFilesTest {
    @TempDir
    Path dir;

    @Test
    void createsFoldersAndParentsOwnerOnly() throws Exception {
        Path deep = dir.resolve("a/b/c");
        PrivateFiles.createDirectories(deep);
        for (Path p : new Path[] {dir.resolve("a"), dir.resolve("a/b"), deep}) {
            assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(p))).as(p.toString()).isEqualTo("rwx------");
        }
    }

    @Test
    void createsFilesOwnerOnly() throws Exception {
        Path file = PrivateFiles.createFile(dir.resolve("f"));
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file))).isEqualTo("rw-------");
    }

    @Test
    void restrictTakesGroupAndOtherBitsAway() throws Exception {
        Path folder = Files.createDirectory(dir.resolve("open"),
            PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwxr-xr-x")));
        Files.setPosixFilePermissions(folder, PosixFilePermissions.fromString("rwxr-xr-x"));
        assertThat(PrivateFiles.restrict(folder)).isTrue();
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(folder))).isEqualTo("rwx------");
        assertThat(PrivateFiles.restrict(folder)).isFalse();
    }

    @Test
    void restrictLeavesSymbolicLinksAndTheirTargetsAlone() throws Exception {
        Path target = Files.createFile(dir.resolve("target"));
        Files.setPosixFilePermissions(target, PosixFilePermissions.fromString("rw-r--r--"));
        Path link = Files.createSymbolicLink(dir.resolve("link"), target);
        assertThat(PrivateFiles.restrict(link)).isFalse();
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(target))).isEqualTo("rw-r--r--");
    }

    @Test
    void asksForNothingOnAFileSystemWithoutPosixPermissions() throws Exception {
        Path zip = dir.resolve("store.zip");
        try (FileSystem zipfs = FileSystems.newFileSystem(URI.create("jar:" + zip.toUri()), Map.of("create", "true"))) {
            Path folder = zipfs.getPath("/x/y");
            assertThat(PrivateFiles.folderAttributes(folder)).isEmpty();
            PrivateFiles.createDirectories(folder);
            PrivateFiles.createFile(folder.resolve("f"));
            assertThat(Files.exists(folder.resolve("f"))).isTrue();
            assertThat(PrivateFiles.restrict(folder)).isFalse();
        }
    }
}
