package dev.postern.app.queue;

import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

import org.apache.james.queue.api.MailQueue.MailQueueItem.CompletionStatus;
import org.apache.james.queue.api.MailQueueName;

import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

/**
 * The process {@link FileMailQueueKillTest} kills: it enqueues from several threads and consumes at the
 * same time, printing {@code QUEUED name} after each enqueue returned and {@code COMPLETING name} before
 * each done(SUCCESS), until it is killed.
 */
public final class CrashingQueueProcess {
    private CrashingQueueProcess() {
    }

    public static void main(String[] args) throws Exception {
        PrintStream out = new PrintStream(System.out, true, StandardCharsets.UTF_8);
        FileMailQueueFactory factory = new FileMailQueueFactory(Path.of(args[0]), Clock.systemUTC());
        FileMailQueue queue = factory.createQueue(MailQueueName.of("spool"));
        Flux.from(queue.deQueue())
            .flatMap(item -> Mono.fromCallable(() -> {
                String name = item.getMail().getName();
                if (name.hashCode() % 3 == 0) {
                    item.done(CompletionStatus.RETRY);
                } else {
                    // Said before, not after: a kill between done() and println must not look like a loss.
                    out.println("COMPLETING " + name);
                    item.done(CompletionStatus.SUCCESS);
                }
                return name;
            }).subscribeOn(Schedulers.boundedElastic()), 4)
            .subscribe();
        AtomicInteger counter = new AtomicInteger();
        ExecutorService sessions = Executors.newFixedThreadPool(4);
        for (int thread = 0; thread < 4; thread++) {
            sessions.submit(() -> {
                while (true) {
                    String name = "mail-" + counter.incrementAndGet();
                    queue.enQueue(TestMails.mail(name, FileMailQueueKillTest.body(name)));
                    out.println("QUEUED " + name);
                }
            });
        }
        out.println("STARTED");
        Thread.sleep(Long.MAX_VALUE);
    }
}
