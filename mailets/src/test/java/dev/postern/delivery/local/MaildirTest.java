package dev.postern.delivery.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.postern.queue.QueueIdGenerator;

class MaildirTest {
    @TempDir
    Path root;

    @Test
    void createsTheMaildirAndMovesTheMessageIntoNew() throws IOException {
        Maildir maildir = new Maildir(root.resolve("mail/host/bob/Maildir"));

        Path delivered = maildir.deliver("1.M2P3Q4.host", out -> out.write("hello\r\n".getBytes(StandardCharsets.US_ASCII)));

        assertThat(delivered).isEqualTo(root.resolve("mail/host/bob/Maildir/new/1.M2P3Q4.host"));
        assertThat(Files.readString(delivered)).isEqualTo("hello\r\n");
        assertThat(root.resolve("mail/host/bob/Maildir/tmp")).isEmptyDirectory();
        assertThat(root.resolve("mail/host/bob/Maildir/cur")).isEmptyDirectory();
    }

    @Test
    void aFailedWriteLeavesNothingBehind() throws IOException {
        Maildir maildir = new Maildir(root.resolve("Maildir"));

        assertThatThrownBy(() -> maildir.deliver("1.M2P3Q4.host", out -> {
            out.write(new byte[100_000]);
            throw new IOException("No space left on device");
        })).isInstanceOf(IOException.class).hasMessage("No space left on device");

        assertThat(root.resolve("Maildir/tmp")).isEmptyDirectory();
        assertThat(root.resolve("Maildir/new")).isEmptyDirectory();
    }

    @Test
    void neverTakesOverAnotherDeliverysFile() throws IOException {
        Maildir maildir = new Maildir(root.resolve("Maildir"));
        maildir.create();
        Files.writeString(root.resolve("Maildir/tmp/1.M2P3Q4.host"), "someone else's");

        assertThatThrownBy(() -> maildir.deliver("1.M2P3Q4.host", out -> out.write('x')))
            .isInstanceOf(FileAlreadyExistsException.class);

        assertThat(root.resolve("Maildir/tmp/1.M2P3Q4.host")).hasContent("someone else's");
        assertThat(root.resolve("Maildir/new")).isEmptyDirectory();
    }

    @Test
    void refusesANameThatLeavesTheDirectory() {
        Maildir maildir = new Maildir(root.resolve("Maildir"));
        assertThatThrownBy(() -> maildir.deliver("../x", out -> { }))
            .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void namesFollowTheMaildirConvention() {
        MaildirNames names = new MaildirNames(Clock.fixed(Instant.parse("2024-01-02T03:04:05.123456789Z"), ZoneOffset.UTC),
            "mx.example.com", new QueueIdGenerator()::nextValue);
        long pid = ProcessHandle.current().pid();

        String first = names.next();
        String second = names.next();

        assertThat(first).matches("1704164645\\.M123456P" + pid + "Q\\d+\\.mx\\.example\\.com");
        assertThat(second).matches("1704164645\\.M123456P" + pid + "Q\\d+\\.mx\\.example\\.com").isNotEqualTo(first);
        assertThat(counter(second)).isGreaterThan(counter(first));
    }

    @Test
    void escapesSlashAndColonInTheHostname() {
        assertThat(MaildirNames.escape("a/b:c")).isEqualTo("a\\057b\\072c");
    }

    private static long counter(String name) {
        return Long.parseLong(name.substring(name.indexOf('Q') + 1, name.indexOf('.', name.indexOf('Q'))));
    }

    @Test
    void messagesAreOwnerOnlyAndEveryNewFolderToo() throws IOException {
        Maildir maildir = new Maildir(root.resolve("mail/host/bob/Maildir"));

        Path delivered = maildir.deliver("1.M2P3Q4.host", out -> out.write("hello\r\n".getBytes(StandardCharsets.US_ASCII)));

        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(delivered))).isEqualTo("rw-------");
        for (String folder : new String[] {"mail", "mail/host", "mail/host/bob", "mail/host/bob/Maildir",
                "mail/host/bob/Maildir/new", "mail/host/bob/Maildir/tmp", "mail/host/bob/Maildir/cur"}) {
            assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(root.resolve(folder))))
                .as(folder).isEqualTo("rwx------");
        }
    }
}
