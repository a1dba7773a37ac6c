package dev.postern.app.queue;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.util.List;
import java.util.stream.Stream;

import org.apache.james.queue.api.MailQueueName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Queue files hold other people's mail: 0600 files in 0700 folders, whatever the umask (Postfix: 0600). */
class QueueFileModesTest {
    @TempDir
    Path parent;

    @Test
    void everyQueueFileAndFolderIsOwnerOnly() throws Exception {
        Path root = parent.resolve("queue");
        try (FileMailQueueFactory factory = new FileMailQueueFactory(root, Clock.systemUTC())) {
            factory.createQueue(MailQueueName.of("spool")).enQueue(TestMails.mail("3F2A1B4C5D", TestMails.message("hello")));
        }
        List<String> found;
        try (Stream<Path> all = Files.walk(root)) {
            found = all.map(path -> root.relativize(path) + " " + mode(path)).toList();
        }
        assertThat(found).as("queue files").anyMatch(line -> line.startsWith("segments/"));
        assertThat(found).allMatch(line -> line.endsWith(" rwx------") || line.endsWith(" rw-------"));
    }

    private static String mode(Path path) {
        try {
            return PosixFilePermissions.toString(Files.getPosixFilePermissions(path, LinkOption.NOFOLLOW_LINKS));
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
