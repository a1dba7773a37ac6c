package dev.postern.delivery.local;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import dev.postern.delivery.RecipientResult;


class MailboxWriterTest {
    private static final Instant NOW = Instant.parse("2024-01-02T03:04:05Z");

    @TempDir
    Path dir;

    private final Clock clock = Clock.fixed(NOW, ZoneOffset.UTC);
    private final long[] unique = {0};
    private final MailboxWriter writer = new MailboxWriter(new MaildirNames(clock, "mx", () -> ++unique[0]), clock);

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "No space left on device|DEFERRED|4.3.0",
        "Disk quota exceeded|BOUNCED|5.2.2",
        "File too large|BOUNCED|5.2.2",
        "Input/output error|DEFERRED|4.3.0"})
    void aFullDiskDefersAndAFileSystemQuotaBounces(String reason, RecipientResult.Status status, String dsn) {
        LocalOutcome outcome = MailboxWriter.failed("/var/mail/bob", "bob",
            new FileSystemException("/var/mail/bob", null, reason), NOW);

        assertThat(outcome).isEqualTo(new LocalOutcome(status, dsn,
            "cannot update mailbox /var/mail/bob for user bob. /var/mail/bob: " + reason, NOW));
    }

    @Test
    void aLockedMboxDefersWith420() {
        assertThat(MailboxWriter.failed("/var/mail/bob", "bob", new MboxFile.LockedException("held"), NOW).dsn())
            .isEqualTo("4.2.0");
    }

    @Test
    void anMboxPathThatIsADirectoryDefersAndNothingIsLost() throws IOException {
        Files.createDirectories(dir.resolve("bob"));

        LocalOutcome outcome = writer.mbox("QID", dir.resolve("bob"), "bob", 0, bytes("From a  x\n"), bytes("m\r\n"),
            "delivered to mailbox", NOW);

        assertThat(outcome.status()).isEqualTo(RecipientResult.Status.DEFERRED);
        assertThat(outcome.dsn()).isEqualTo("4.3.0");
        assertThat(outcome.text()).startsWith("cannot update mailbox " + dir.resolve("bob") + " for user bob. ");
    }

    @Test
    void theSizeLimitOfAMaildirIsThatOfTheMessageUnlessAQuotaCountsTheWholeMailbox() throws IOException {
        Path maildir = dir.resolve("Maildir");
        byte[] message = bytes("x".repeat(60));

        assertThat(writer.maildir("QID", maildir, "bob", new MailboxQuota.Limit(100, false), message, NOW).status())
            .isEqualTo(RecipientResult.Status.SENT);
        assertThat(writer.maildir("QID", maildir, "bob", new MailboxQuota.Limit(100, false), message, NOW).status())
            .as("each message is under mailbox_size_limit").isEqualTo(RecipientResult.Status.SENT);
        LocalOutcome full = writer.maildir("QID", maildir, "bob", new MailboxQuota.Limit(150, true), message, NOW);

        assertThat(full.status()).isEqualTo(RecipientResult.Status.BOUNCED);
        assertThat(full.dsn()).isEqualTo("5.2.2");
        try (var files = Files.list(maildir.resolve("new"))) {
            assertThat(files.toList()).hasSize(2);
        }
        assertThat(List.of(maildir.resolve("tmp").toFile().list())).isEmpty();
    }

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void aSymbolicLinkInPlaceOfTheMboxBouncesAsPostfixDoes() throws IOException {
        Path target = Files.writeString(dir.resolve("victim"), "untouched\n");
        Files.createSymbolicLink(dir.resolve("bob"), target);

        LocalOutcome outcome = writer.mbox("QID", dir.resolve("bob"), "bob", 0, bytes("From a  x\n"), bytes("m\r\n"),
            "delivered to mailbox", NOW);

        assertThat(outcome.status()).isEqualTo(RecipientResult.Status.BOUNCED);
        assertThat(outcome.dsn()).isEqualTo("5.2.0");
        assertThat(outcome.text()).isEqualTo("cannot update mailbox " + dir.resolve("bob")
            + " for user bob. file is a symbolic link");
        assertThat(Files.readString(target)).isEqualTo("untouched\n");
    }
}
