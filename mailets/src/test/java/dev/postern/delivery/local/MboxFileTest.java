package dev.postern.delivery.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MboxFileTest {
    @TempDir
    Path dir;

    private final Clock clock = Clock.systemUTC();

    @Test
    void appendsAfterTheExistingMessagesAndRemovesItsDotlock() throws Exception {
        Path file = dir.resolve("sub/bob");
        MboxFile mbox = new MboxFile(file, clock);

        mbox.append(0, out -> out.write(bytes("From a  Thu Jan  1 00:00:00 2024\nfirst\n\n")));
        long size = mbox.append(0, out -> out.write(bytes("From b  Thu Jan  1 00:00:00 2024\nsecond\n\n")));

        assertThat(Files.readString(file)).isEqualTo("From a  Thu Jan  1 00:00:00 2024\nfirst\n\n"
            + "From b  Thu Jan  1 00:00:00 2024\nsecond\n\n");
        assertThat(size).isEqualTo(Files.size(file));
        assertThat(dir.resolve("sub/bob.lock")).doesNotExist();
    }

    @Test
    void aFailedWriteIsTruncatedBackToTheOriginalLength() throws Exception {
        Path file = dir.resolve("bob");
        Files.writeString(file, "From a  x\nold\n\n");
        MboxFile mbox = new MboxFile(file, clock);

        assertThatThrownBy(() -> mbox.append(0, out -> {
            out.write(bytes("From b  x\nhalf of a mess"));
            out.flush();
            throw new IOException("message store read error");
        })).hasMessage("message store read error");

        assertThat(Files.readString(file)).isEqualTo("From a  x\nold\n\n");
        assertThat(dir.resolve("bob.lock")).doesNotExist();
    }

    @Test
    void growingPastTheLimitLeavesTheFileAsItWas() throws Exception {
        Path file = dir.resolve("bob");
        Files.writeString(file, "0123456789");
        MboxFile mbox = new MboxFile(file, clock);

        assertThatThrownBy(() -> mbox.append(15, out -> out.write(bytes("0123456789"))))
            .isInstanceOf(MboxFile.TooLargeException.class)
            .hasMessage(file + ": File too large");
        assertThat(Files.readString(file)).isEqualTo("0123456789");

        assertThat(mbox.append(20, out -> out.write(bytes("0123456789")))).isEqualTo(20);
    }

    @Test
    void aHeldDotlockMakesTheWriterWaitAndThenGiveUp() throws Exception {
        Path file = dir.resolve("bob");
        Files.createFile(dir.resolve("bob.lock"));
        Instant start = Instant.parse("2024-01-01T00:00:00Z");
        // Every call moves the clock on by one second: the ten-second wait ends quickly.
        Clock ticking = new Clock() {
            private long calls;

            @Override
            public java.time.ZoneId getZone() {
                return ZoneOffset.UTC;
            }

            @Override
            public Clock withZone(java.time.ZoneId zone) {
                return this;
            }

            @Override
            public synchronized Instant instant() {
                return start.plusSeconds(calls++);
            }
        };
        Files.setLastModifiedTime(dir.resolve("bob.lock"), FileTime.from(start));

        assertThatThrownBy(() -> new MboxFile(file, ticking).append(0, out -> out.write(bytes("x"))))
            .isInstanceOf(MboxFile.LockedException.class)
            .hasMessageContaining("bob.lock");
        assertThat(file).doesNotExist();
        assertThat(dir.resolve("bob.lock")).exists();
    }

    @Test
    void aStaleDotlockIsRemoved() throws Exception {
        Path file = dir.resolve("bob");
        Path lock = dir.resolve("bob.lock");
        Files.createFile(lock);
        Files.setLastModifiedTime(lock, FileTime.from(Instant.now().minus(MboxFile.STALE_LOCK).minusSeconds(60)));

        new MboxFile(file, clock).append(0, out -> out.write(bytes("x\n")));

        assertThat(Files.readString(file)).isEqualTo("x\n");
        assertThat(lock).doesNotExist();
    }

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void aNewMboxIsOwnerOnlyInOwnerOnlyFolders() throws Exception {
        Path file = dir.resolve("mail/host/bob");
        new MboxFile(file, clock).append(0, out -> out.write(bytes("From a  x\nm\n\n")));

        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file))).isEqualTo("rw-------");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(dir.resolve("mail/host")))).isEqualTo("rwx------");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(dir.resolve("mail")))).isEqualTo("rwx------");
    }

    @Test
    void neverWritesThroughASymbolicLink() throws Exception {
        Path target = Files.writeString(dir.resolve("passwd"), "root:x:0:0::/root:/bin/sh\n");
        Path link = Files.createSymbolicLink(dir.resolve("bob"), target);

        assertThatThrownBy(() -> new MboxFile(link, clock).append(0, out -> out.write(bytes("From a  x\nm\n\n"))))
            .isInstanceOf(MboxFile.UnsafeFileException.class).hasMessage("file is a symbolic link");

        assertThat(Files.readString(target)).isEqualTo("root:x:0:0::/root:/bin/sh\n");
        assertThat(dir.resolve("bob.lock")).doesNotExist();
    }

    @Test
    void neverWritesThroughADanglingSymbolicLink() throws Exception {
        Path target = dir.resolve("created-elsewhere");
        Path link = Files.createSymbolicLink(dir.resolve("bob"), target);

        assertThatThrownBy(() -> new MboxFile(link, clock).append(0, out -> out.write(bytes("From a  x\nm\n\n"))))
            .isInstanceOf(MboxFile.UnsafeFileException.class);

        assertThat(target).doesNotExist();
    }

    @Test
    void neverWritesAFileThatHasOtherHardLinks() throws Exception {
        Path target = Files.writeString(dir.resolve("shadow"), "secret\n");
        Path link = Files.createLink(dir.resolve("bob"), target);

        assertThatThrownBy(() -> new MboxFile(link, clock).append(0, out -> out.write(bytes("From a  x\nm\n\n"))))
            .isInstanceOf(MboxFile.UnsafeFileException.class).hasMessage("file has 2 hard links");

        assertThat(Files.readString(target)).isEqualTo("secret\n");
    }
}
