package dev.postern.app.queue;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import org.apache.james.queue.api.MailQueue.MailQueueItem;
import org.apache.james.queue.api.MailQueue.MailQueueItem.CompletionStatus;
import org.apache.james.queue.api.MailQueueName;
import org.apache.james.queue.api.ManageableMailQueue;
import org.apache.mailet.Mail;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import reactor.core.Disposable;
import reactor.core.publisher.Flux;

import dev.postern.testing.time.MutableClock;

/**
 * A "crash" here is a second factory opened on the directory while the first is still open and never
 * closed: the second sees only what the first left on disk, as a new process would after kill -9.
 */
class FileMailQueueRecoveryTest {
    private static final MailQueueName SPOOL = MailQueueName.of("spool");

    @TempDir
    Path directory;

    private final List<FileMailQueueFactory> factories = new ArrayList<>();

    @AfterEach
    void tearDown() {
        factories.forEach(FileMailQueueFactory::close);
    }

    @Test
    void queuedAndInFlightMailComeBackWithTheirContent() throws Exception {
        FileMailQueue before = open(Clock.systemUTC()).createQueue(SPOOL);
        Map<String, byte[]> sent = Map.of(
            "first", TestMails.message("one"),
            "second", TestMails.message("two"),
            "third", TestMails.message("three".repeat(100_000)));
        for (String name : List.of("first", "second", "third")) {
            before.enQueue(TestMails.mail(name, sent.get(name)));
        }
        MailQueueItem inFlight = Flux.from(before.deQueue()).blockFirst(Duration.ofSeconds(10));
        assertThat(inFlight.getMail().getName()).isEqualTo("first");

        FileMailQueueFactory after = open(Clock.systemUTC());

        assertThat(after.listCreatedMailQueues()).containsExactly(SPOOL);
        FileMailQueue recovered = after.getQueue(SPOOL).orElseThrow();
        assertThat(recovered.getSize()).isEqualTo(3);
        List<Mail> mails = Flux.from(recovered.deQueue()).take(3).map(MailQueueItem::getMail)
            .collectList().block(Duration.ofSeconds(10));
        assertThat(mails).extracting(Mail::getName).containsExactly("first", "second", "third");
        for (Mail mail : mails) {
            assertThat(TestMails.rawBytesOf(mail)).isEqualTo(sent.get(mail.getName()));
        }
    }

    @Test
    void deferredMailKeepsItsTimeAcrossARestart() throws Exception {
        MutableClock clock = new MutableClock(Instant.parse("2030-01-01T00:00:00Z"));
        open(clock).createQueue(SPOOL).enQueue(TestMails.mail("later"), Duration.ofHours(2));

        FileMailQueue recovered = open(clock).getQueue(SPOOL).orElseThrow();

        ManageableMailQueue.MailQueueItemView view = recovered.browse().next();
        assertThat(view.getNextDelivery()).map(next -> next.toInstant()).contains(Instant.parse("2030-01-01T02:00:00Z"));
        BlockingQueue<MailQueueItem> items = new LinkedBlockingQueue<>();
        Disposable subscription = Flux.from(recovered.deQueue()).subscribe(items::add);
        try {
            assertThat(items.poll(600, TimeUnit.MILLISECONDS)).isNull();
            clock.advance(Duration.ofHours(2));
            assertThat(items.poll(10, TimeUnit.SECONDS).getMail().getName()).isEqualTo("later");
        } finally {
            subscription.dispose();
        }
    }

    @Test
    void everyQueueOnDiskIsRecoveredAndSharedContentCountedAcrossThem() throws Exception {
        FileMailQueueFactory before = open(Clock.systemUTC());
        FileMailQueue spool = before.createQueue(SPOOL);
        FileMailQueue outgoing = before.createQueue(MailQueueName.of("outgoing"));
        before.createQueue(MailQueueName.of("empty / odd:name"));
        spool.enQueue(TestMails.mail("shared"));
        MailQueueItem item = Flux.from(spool.deQueue()).blockFirst(Duration.ofSeconds(10));
        outgoing.enQueue(item.getMail());

        FileMailQueueFactory after = open(Clock.systemUTC());
        QueueFiles files = new QueueFiles(directory);

        assertThat(after.listCreatedMailQueues()).containsExactlyInAnyOrder(SPOOL, MailQueueName.of("outgoing"),
            MailQueueName.of("empty / odd:name"));
        assertThat(files.content()).hasSize(1);
        Flux.from(after.getQueue(SPOOL).orElseThrow().deQueue()).blockFirst(Duration.ofSeconds(10)).done(CompletionStatus.SUCCESS);
        assertThat(files.content()).hasSize(1);
        Flux.from(after.getQueue(MailQueueName.of("outgoing")).orElseThrow().deQueue()).blockFirst(Duration.ofSeconds(10))
            .done(CompletionStatus.SUCCESS);
        assertThat(files.content()).isEmpty();
    }

    @Test
    void startDeletesSegmentsThatHoldNothingLive() throws Exception {
        FileMailQueueFactory first = open(Clock.systemUTC());
        FileMailQueue queue = first.createQueue(SPOOL);
        queue.enQueue(TestMails.mail("gone"));
        Flux.from(queue.deQueue()).blockFirst(Duration.ofSeconds(10)).done(CompletionStatus.SUCCESS);
        QueueFiles files = new QueueFiles(directory);
        Path dead = files.segments().get(0);

        FileMailQueue recovered = open(Clock.systemUTC()).getQueue(SPOOL).orElseThrow();
        recovered.enQueue(TestMails.mail("kept"));

        assertThat(dead).doesNotExist();
        assertThat(files.segments()).hasSize(1);
        assertThat(recovered.getSize()).isEqualTo(1);
    }

    @Test
    void tornRecordAtTheTailIsIgnored() throws Exception {
        open(Clock.systemUTC()).createQueue(SPOOL).enQueue(TestMails.mail("whole", TestMails.message("kept")));
        QueueFiles files = new QueueFiles(directory);
        Path segment = files.segments().get(0);
        long whole = Files.size(segment);
        byte[] frame = new JournalRecord.Content("0190c3f2a1b4-00000007-5e1f0c2a9d3b", TestMails.message("torn")).frame();
        Files.write(segment, Arrays.copyOf(frame, frame.length / 2), StandardOpenOption.APPEND);

        FileMailQueue recovered = open(Clock.systemUTC()).getQueue(SPOOL).orElseThrow();
        recovered.enQueue(TestMails.mail("after", TestMails.message("after")));
        FileMailQueue again = open(Clock.systemUTC()).getQueue(SPOOL).orElseThrow();

        assertThat(Files.size(segment)).isEqualTo(whole);
        assertThat(files.corrupt()).isEmpty();
        List<Mail> mails = Flux.from(again.deQueue()).take(2).map(MailQueueItem::getMail).collectList().block(Duration.ofSeconds(10));
        assertThat(mails).extracting(Mail::getName).containsExactly("whole", "after");
        assertThat(TestMails.rawBytesOf(mails.get(0))).isEqualTo(TestMails.message("kept"));
    }

    @Test
    void recordWithABadChecksumEndsTheSegment() throws Exception {
        FileMailQueue before = open(Clock.systemUTC()).createQueue(SPOOL);
        before.enQueue(TestMails.mail("good"));
        before.enQueue(TestMails.mail("flipped"));
        Path segment = new QueueFiles(directory).segments().get(0);
        byte[] bytes = Files.readAllBytes(segment);
        bytes[bytes.length - 3] ^= 0x20;
        Files.write(segment, bytes);

        FileMailQueue recovered = open(Clock.systemUTC()).getQueue(SPOOL).orElseThrow();

        assertThat(recovered.browse().next().getMail().getName()).isEqualTo("good");
        assertThat(recovered.getSize()).isEqualTo(1);
    }

    @Test
    void unreadableEnvelopeIsMovedAsideAndNoSegmentIsDeleted() throws Exception {
        FileMailQueue before = open(Clock.systemUTC()).createQueue(SPOOL);
        before.enQueue(TestMails.mail("gone"));
        Flux.from(before.deQueue()).blockFirst(Duration.ofSeconds(10)).done(CompletionStatus.SUCCESS);
        QueueFiles files = new QueueFiles(directory);
        Path segment = files.segments().get(0);
        Files.write(segment, new JournalRecord.Put("spool", "0190c3f2a1b4-00000009-5e1f0c2a9d3b",
            "{\"format\": 1, \"name\": ".getBytes()).frame(), StandardOpenOption.APPEND);

        FileMailQueue recovered = open(Clock.systemUTC()).getQueue(SPOOL).orElseThrow();

        assertThat(recovered.getSize()).isZero();
        assertThat(files.corrupt()).hasSize(1);
        assertThat(segment).exists();
    }

    @Test
    void envelopeWhoseContentIsMissingIsMovedAside() throws Exception {
        FileMailQueue before = open(Clock.systemUTC()).createQueue(SPOOL);
        before.enQueue(TestMails.mail("lost-content"));
        QueueFiles files = new QueueFiles(directory);
        Envelope envelope = files.envelopes("spool").get(0);
        Envelope elsewhere = new Envelope("0190c3f2a1b4-00000008-5e1f0c2a9d3b", Optional.of("0190c3f2a1b4-00000007-5e1f0c2a9d3b"),
            envelope.mail(), envelope.enqueuedAt(), envelope.nextDelivery(), 0);
        Files.write(files.segments().get(0), new JournalRecord.Put("spool", elsewhere.id(),
            new EnvelopeCodec().encode(elsewhere)).frame(), StandardOpenOption.APPEND);

        FileMailQueue recovered = open(Clock.systemUTC()).getQueue(SPOOL).orElseThrow();

        assertThat(recovered.getSize()).isEqualTo(1);
        assertThat(files.envelopes("spool")).extracting(Envelope::id).containsExactly(envelope.id());
        assertThat(files.corrupt()).hasSize(1);
    }

    private FileMailQueueFactory open(Clock clock) throws Exception {
        FileMailQueueFactory factory = new FileMailQueueFactory(directory, clock);
        factories.add(factory);
        return factory;
    }
}
