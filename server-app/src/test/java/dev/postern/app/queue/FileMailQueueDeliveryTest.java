package dev.postern.app.queue;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import org.apache.james.queue.api.MailQueue.MailQueueItem;
import org.apache.james.queue.api.MailQueue.MailQueueItem.CompletionStatus;
import org.apache.james.metrics.api.NoopGaugeRegistry;
import org.apache.james.metrics.tests.RecordingMetricFactory;
import org.apache.james.queue.api.MailQueueName;
import org.apache.james.queue.api.RawMailQueueItemDecoratorFactory;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import reactor.core.Disposable;
import reactor.core.publisher.Flux;

import dev.postern.testing.time.MutableClock;

class FileMailQueueDeliveryTest {
    @TempDir
    Path directory;

    private final List<FileMailQueueFactory> factories = new ArrayList<>();
    private final List<Disposable> subscriptions = new ArrayList<>();

    @AfterEach
    void tearDown() {
        subscriptions.forEach(Disposable::dispose);
        factories.forEach(FileMailQueueFactory::close);
    }

    @Test
    void deferredMailIsNotHandedOutBeforeItsTimeAndDoesNotHoldBackFreshMail() throws Exception {
        MutableClock clock = new MutableClock(Instant.parse("2030-01-01T00:00:00Z"));
        FileMailQueue queue = queue(clock);
        BlockingQueue<MailQueueItem> items = consume(queue);

        queue.enQueue(TestMails.mail("deferred"), Duration.ofHours(1));
        queue.enQueue(TestMails.mail("fresh"));

        MailQueueItem fresh = items.poll(10, TimeUnit.SECONDS);
        assertThat(fresh.getMail().getName()).isEqualTo("fresh");
        fresh.done(CompletionStatus.SUCCESS);
        assertThat(items.poll(500, TimeUnit.MILLISECONDS)).isNull();

        clock.advance(Duration.ofMinutes(59));
        assertThat(items.poll(500, TimeUnit.MILLISECONDS)).isNull();

        clock.advance(Duration.ofMinutes(1));
        MailQueueItem deferred = items.poll(10, TimeUnit.SECONDS);
        assertThat(deferred.getMail().getName()).isEqualTo("deferred");
        assertThat(queue.getSize()).isEqualTo(1);
    }

    @Test
    void aServerQueueHandsOutNoMailUntilDeliveryStarts() throws Exception {
        FileMailQueueFactory previousRun = new FileMailQueueFactory(directory, Clock.systemUTC());
        previousRun.createQueue(MailQueueName.of("spool")).enQueue(TestMails.mail("recovered"));
        previousRun.close();
        FileMailQueueFactory factory = new FileMailQueueFactory(directory, new RecordingMetricFactory(),
            new NoopGaugeRegistry(), new RawMailQueueItemDecoratorFactory(), Clock.systemUTC(), queueId -> { },
            DeliveryStart.WHEN_SERVER_STARTED);
        factories.add(factory);
        FileMailQueue queue = factory.createQueue(MailQueueName.of("spool"));
        BlockingQueue<MailQueueItem> items = consume(queue);
        queue.enQueue(TestMails.mail("fresh"));

        assertThat(items.poll(500, TimeUnit.MILLISECONDS)).as("mail handed out before delivery started").isNull();
        assertThat(queue.getSize()).isEqualTo(2);

        factory.startDelivery();
        List<String> names = new ArrayList<>();
        for (int i = 0; i < 2; i++) {
            MailQueueItem item = items.poll(10, TimeUnit.SECONDS);
            assertThat(item).as("mail %d after delivery started", i + 1).isNotNull();
            names.add(item.getMail().getName());
        }
        assertThat(names).containsExactlyInAnyOrder("recovered", "fresh");
    }

    @Test
    void shortDelayIsHonouredInRealTime() throws Exception {
        FileMailQueue queue = queue(Clock.systemUTC());
        BlockingQueue<MailQueueItem> items = consume(queue);
        long start = System.nanoTime();

        queue.enQueue(TestMails.mail("in-a-second"), Duration.ofSeconds(1));
        queue.enQueue(TestMails.mail("now"));

        assertThat(items.poll(10, TimeUnit.SECONDS).getMail().getName()).isEqualTo("now");
        MailQueueItem delayed = items.poll(10, TimeUnit.SECONDS);
        long elapsedMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
        assertThat(delayed.getMail().getName()).isEqualTo("in-a-second");
        assertThat(elapsedMillis).isGreaterThanOrEqualTo(1000);
    }

    @Test
    void successDeletesTheEnvelopeAndTheContent() throws Exception {
        FileMailQueue queue = queue(Clock.systemUTC());
        QueueFiles files = new QueueFiles(directory);
        queue.enQueue(TestMails.mail("done"));
        assertThat(files.envelopes("spool")).hasSize(1);
        assertThat(files.content()).hasSize(1);

        MailQueueItem item = Flux.from(queue.deQueue()).blockFirst(Duration.ofSeconds(10));
        assertThat(queue.getSize()).isEqualTo(1);
        item.done(CompletionStatus.SUCCESS);

        assertThat(queue.getSize()).isZero();
        assertThat(files.envelopes("spool")).isEmpty();
        assertThat(files.content()).isEmpty();
    }

    @Test
    void rejectDeletesTheMail() throws Exception {
        FileMailQueue queue = queue(Clock.systemUTC());
        QueueFiles files = new QueueFiles(directory);
        queue.enQueue(TestMails.mail("rejected"));

        Flux.from(queue.deQueue()).blockFirst(Duration.ofSeconds(10)).done(CompletionStatus.REJECT);

        assertThat(queue.getSize()).isZero();
        assertThat(files.envelopes("spool")).isEmpty();
        assertThat(files.content()).isEmpty();
    }

    @Test
    void retryHandsTheMailOutAgainAndCountsTheAttempt() throws Exception {
        FileMailQueue queue = queue(Clock.systemUTC());
        QueueFiles files = new QueueFiles(directory);
        BlockingQueue<MailQueueItem> items = consume(queue);
        byte[] bytes = TestMails.message("retry me");
        queue.enQueue(TestMails.mail("retried", bytes));

        MailQueueItem first = items.poll(10, TimeUnit.SECONDS);
        first.getMail().setState("changed-by-the-consumer");
        first.done(CompletionStatus.RETRY);
        MailQueueItem second = items.poll(10, TimeUnit.SECONDS);

        assertThat(second.getMail().getName()).isEqualTo("retried");
        assertThat(second.getMail().getState()).isEqualTo("root");
        assertThat(TestMails.rawBytesOf(second.getMail())).isEqualTo(bytes);
        assertThat(files.envelope(files.envelopes("spool").get(0)).attempts()).isEqualTo(1);
        second.done(CompletionStatus.SUCCESS);
        assertThat(files.envelopes("spool")).isEmpty();
        assertThat(files.content()).isEmpty();
    }

    @Test
    void aMailInFlightIsNotHandedOutAgain() throws Exception {
        FileMailQueue queue = queue(Clock.systemUTC());
        BlockingQueue<MailQueueItem> first = consume(queue);
        BlockingQueue<MailQueueItem> second = consume(queue);
        queue.enQueue(TestMails.mail("only-once"));

        MailQueueItem item = pollEither(first, second);
        assertThat(item.getMail().getName()).isEqualTo("only-once");
        assertThat(first.poll(500, TimeUnit.MILLISECONDS)).isNull();
        assertThat(second.poll(10, TimeUnit.MILLISECONDS)).isNull();
    }

    @Test
    void severalConsumersShareTheMailsWithoutDuplicates() throws Exception {
        FileMailQueue queue = queue(Clock.systemUTC());
        BlockingQueue<MailQueueItem> all = new LinkedBlockingQueue<>();
        for (int i = 0; i < 3; i++) {
            subscriptions.add(Flux.from(queue.deQueue()).limitRate(2).subscribe(item -> {
                all.add(item);
                try {
                    item.done(CompletionStatus.SUCCESS);
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            }));
        }
        for (int i = 0; i < 30; i++) {
            queue.enQueue(TestMails.mail("mail-" + i));
        }

        List<String> names = new ArrayList<>();
        for (int i = 0; i < 30; i++) {
            names.add(all.poll(10, TimeUnit.SECONDS).getMail().getName());
        }
        assertThat(names).doesNotHaveDuplicates().hasSize(30);
        assertThat(all.poll(300, TimeUnit.MILLISECONDS)).isNull();
    }

    @Test
    void aConsumerThatTakesOneAndCancelsLeavesTheRestToOthers() throws Exception {
        FileMailQueue queue = queue(Clock.systemUTC());
        for (int i = 0; i < 3; i++) {
            queue.enQueue(TestMails.mail("mail-" + i));
        }

        MailQueueItem taken = Flux.from(queue.deQueue()).blockFirst(Duration.ofSeconds(10));
        List<String> rest = Flux.from(queue.deQueue()).take(2).map(item -> item.getMail().getName())
            .collectList().block(Duration.ofSeconds(10));

        assertThat(taken.getMail().getName()).isEqualTo("mail-0");
        assertThat(rest).containsExactly("mail-1", "mail-2");
    }

    @Test
    void readyMailIsServedInArrivalOrder() throws Exception {
        FileMailQueue queue = queue(Clock.systemUTC());
        for (int i = 0; i < 5; i++) {
            queue.enQueue(TestMails.mail("mail-" + i));
        }

        List<String> names = Flux.from(queue.deQueue()).take(5).map(item -> item.getMail().getName())
            .collectList().block(Duration.ofSeconds(10));

        assertThat(names).containsExactly("mail-0", "mail-1", "mail-2", "mail-3", "mail-4");
    }

    @Test
    void closingTheFactoryCompletesConsumers() throws Exception {
        FileMailQueue queue = queue(Clock.systemUTC());
        Flux<MailQueueItem> items = Flux.from(queue.deQueue());
        var completion = items.then().toFuture();

        factories.get(0).close();

        assertThat(completion.get(10, TimeUnit.SECONDS)).isNull();
    }

    private FileMailQueue queue(Clock clock) throws Exception {
        FileMailQueueFactory factory = new FileMailQueueFactory(directory, clock);
        factories.add(factory);
        return factory.createQueue(MailQueueName.of("spool"));
    }

    private BlockingQueue<MailQueueItem> consume(FileMailQueue queue) {
        BlockingQueue<MailQueueItem> items = new LinkedBlockingQueue<>();
        subscriptions.add(Flux.from(queue.deQueue()).subscribe(items::add));
        return items;
    }

    private static MailQueueItem pollEither(BlockingQueue<MailQueueItem> first, BlockingQueue<MailQueueItem> second)
        throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (System.nanoTime() < deadline) {
            MailQueueItem item = first.poll(10, TimeUnit.MILLISECONDS);
            if (item == null) {
                item = second.poll(10, TimeUnit.MILLISECONDS);
            }
            if (item != null) {
                return item;
            }
        }
        throw new AssertionError("no mail was handed out");
    }
}
