package dev.postern.app.queue;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.apache.james.queue.api.MailQueue.MailQueueItem.CompletionStatus;
import org.apache.james.queue.api.MailQueueName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import reactor.core.Disposable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

class FileMailQueueConcurrencyTest {
    private static final int THREADS = 20;
    private static final int MAILS_PER_THREAD = 50;
    private static final int TOTAL = THREADS * MAILS_PER_THREAD;

    @TempDir
    Path directory;

    /**
     * Many SMTP sessions enqueue while a spooler-like consumer (one subscription, processing with
     * concurrency, as James's spooler does) dequeues: every mail is handed out exactly once.
     */
    @Test
    void concurrentEnqueuersAndAConcurrentConsumerSeeEveryMailExactlyOnce() throws Exception {
        try (FileMailQueueFactory factory = new FileMailQueueFactory(directory, Clock.systemUTC())) {
            FileMailQueue queue = factory.createQueue(MailQueueName.of("spool"));
            Map<String, AtomicInteger> deliveries = new ConcurrentHashMap<>();
            CountDownLatch allDone = new CountDownLatch(TOTAL);
            Disposable consumer = Flux.from(queue.deQueue())
                .flatMap(item -> Mono.fromRunnable(() -> {
                    deliveries.computeIfAbsent(item.getMail().getName(), name -> new AtomicInteger()).incrementAndGet();
                    try {
                        item.done(CompletionStatus.SUCCESS);
                    } catch (Exception e) {
                        throw new IllegalStateException(e);
                    }
                    allDone.countDown();
                }).subscribeOn(Schedulers.boundedElastic()), 8)
                .subscribe();
            SyncStatistics statistics = factory.syncStatistics();
            long syncsBefore = statistics.total();

            ExecutorService sessions = Executors.newFixedThreadPool(THREADS);
            CountDownLatch start = new CountDownLatch(1);
            List<Future<?>> results = new ArrayList<>();
            for (int thread = 0; thread < THREADS; thread++) {
                int session = thread;
                results.add(sessions.submit(() -> {
                    start.await();
                    for (int i = 0; i < MAILS_PER_THREAD; i++) {
                        queue.enQueue(TestMails.mail("mail-" + session + "-" + i));
                    }
                    return null;
                }));
            }
            start.countDown();
            for (Future<?> result : results) {
                result.get(2, TimeUnit.MINUTES);
            }
            sessions.shutdown();

            assertThat(allDone.await(2, TimeUnit.MINUTES)).isTrue();
            consumer.dispose();
            long syncs = statistics.total() - syncsBefore;
            System.out.printf("%d concurrent enqueues: %d fsyncs (%.2f per enqueue, 1.00 without group commit)%n",
                TOTAL, syncs, syncs / (double) TOTAL);
            // 20 sessions at once share their fdatasyncs; a sync per mail (or more) would mean no group commit.
            assertThat(syncs).isLessThan(TOTAL);

            assertThat(deliveries).hasSize(TOTAL);
            assertThat(deliveries.values()).allSatisfy(count -> assertThat(count.get()).isEqualTo(1));
            assertThat(queue.getSize()).isZero();
            QueueFiles files = new QueueFiles(directory);
            assertThat(files.envelopes("spool")).isEmpty();
            assertThat(files.content()).isEmpty();
            assertThat(files.temporary()).isEmpty();
        }
    }

    @Test
    void reactiveEnqueueRunsOffTheCallersThread() throws Exception {
        try (FileMailQueueFactory factory = new FileMailQueueFactory(directory, Clock.systemUTC())) {
            FileMailQueue queue = factory.createQueue(MailQueueName.of("spool"));

            Flux.range(0, 100)
                .flatMap(i -> Mono.fromCallable(() -> TestMails.mail("reactive-" + i)).flatMap(mail -> Mono.from(queue.enqueueReactive(mail))), 100)
                .blockLast(Duration.ofMinutes(1));

            assertThat(queue.getSize()).isEqualTo(100);
        }
    }
}
