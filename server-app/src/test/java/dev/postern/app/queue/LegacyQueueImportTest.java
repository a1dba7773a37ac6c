package dev.postern.app.queue;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

import org.apache.james.queue.api.MailQueue.MailQueueItem;
import org.apache.james.queue.api.MailQueueName;
import org.apache.mailet.Mail;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import reactor.core.publisher.Flux;

/** A queue left by an earlier Postern, one envelope file and one content file per message, is not lost. */
class LegacyQueueImportTest {
    @TempDir
    Path directory;

    @Test
    void oldEnvelopeAndContentFilesAreImportedThenDeleted() throws Exception {
        String contentId = "0190c3f2a1b4-00000007-5e1f0c2a9d3b";
        Path content = Files.createDirectories(directory.resolve("content")).resolve(contentId);
        byte[] bytes = TestMails.message("written by the old queue");
        Files.write(content, bytes);
        Path spool = Files.createDirectories(directory.resolve("queues").resolve("spool"));
        for (String[] mail : List.of(new String[] {"0190c3f2a1b4-00000008-5e1f0c2a9d3b", "first"},
                new String[] {"0190c3f2a1b4-00000009-5e1f0c2a9d3b", "second"})) {
            Envelope envelope = new Envelope(mail[0], Optional.of(contentId), MailSnapshot.of(TestMails.mail(mail[1])),
                Instant.parse("2026-01-01T00:00:00Z"), Instant.parse("2026-01-01T00:00:00Z"), 2);
            Files.write(spool.resolve(mail[0]), new EnvelopeCodec().encode(envelope));
        }

        try (FileMailQueueFactory factory = new FileMailQueueFactory(directory, Clock.systemUTC())) {
            FileMailQueue queue = factory.getQueue(MailQueueName.of("spool")).orElseThrow();
            List<Mail> mails = Flux.from(queue.deQueue()).take(2).map(MailQueueItem::getMail)
                .collectList().block(Duration.ofSeconds(10));

            assertThat(mails).extracting(Mail::getName).containsExactlyInAnyOrder("first", "second");
            assertThat(TestMails.rawBytesOf(mails.get(0))).isEqualTo(bytes);
            assertThat(TestMails.rawBytesOf(mails.get(1))).isEqualTo(bytes);
            assertThat(directory.resolve("content")).doesNotExist();
            assertThat(spool).isEmptyDirectory();
            assertThat(new QueueFiles(directory).envelopes("spool")).extracting(Envelope::attempts).containsOnly(2);
        }
    }
}
