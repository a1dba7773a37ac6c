package dev.postern.app.queue;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;

import org.apache.james.queue.api.MailQueue.MailQueueItem;
import org.apache.james.queue.api.MailQueue.MailQueueItem.CompletionStatus;
import org.apache.james.queue.api.MailQueueName;
import org.apache.james.queue.api.ManageableMailQueue;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import reactor.core.publisher.Flux;

/**
 * Segments are deleted once nothing in them is live, oldest first; a long-deferred mail in an old
 * segment is copied forward so that it does not keep that segment, and every newer one, on disk.
 */
class QueueCompactionTest {
    private static final MailQueueName SPOOL = MailQueueName.of("spool");
    private static final long SEGMENT_LIMIT = 16 * 1024;

    @TempDir
    Path directory;

    @Test
    void deferredMailIsCompactedForwardAndDeadSegmentsGo() throws Exception {
        byte[] deferredBytes = TestMails.message("deferred ".repeat(200));
        try (FileMailQueueFactory factory = new FileMailQueueFactory(directory, Clock.systemUTC(), SEGMENT_LIMIT,
                QueueJournal.NO_HOOK)) {
            FileMailQueue queue = factory.createQueue(SPOOL);
            queue.enQueue(TestMails.mail("deferred", deferredBytes), Duration.ofDays(1));
            for (int i = 0; i < 40; i++) {
                queue.enQueue(TestMails.mail("passing-" + i, TestMails.message("x".repeat(2000))));
                MailQueueItem item = Flux.from(queue.deQueue()).blockFirst(Duration.ofSeconds(10));
                item.done(CompletionStatus.SUCCESS);
            }
            QueueFiles files = new QueueFiles(directory);
            List<Path> beforeCompaction = files.segments();
            assertThat(beforeCompaction).hasSizeGreaterThan(3);

            factory.compactNow();

            List<Path> afterCompaction = files.segments();
            assertThat(afterCompaction).doesNotContain(beforeCompaction.get(0)).hasSizeLessThanOrEqualTo(2);
            assertThat(files.envelopes("spool")).extracting(envelope -> envelope.mail().name()).containsExactly("deferred");
        }

        try (FileMailQueueFactory restarted = new FileMailQueueFactory(directory, Clock.systemUTC())) {
            ManageableMailQueue.MailQueueItemView view = restarted.getQueue(SPOOL).orElseThrow().browse().next();
            assertThat(view.getMail().getName()).isEqualTo("deferred");
            assertThat(TestMails.rawBytesOf(view.getMail())).isEqualTo(deferredBytes);
        }
    }
}
