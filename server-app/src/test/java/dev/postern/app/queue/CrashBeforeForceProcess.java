package dev.postern.app.queue;

import java.io.PrintStream;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

import org.apache.james.queue.api.MailQueueName;

/**
 * The process {@link FileMailQueueBatchKillTest} runs: sessions enqueue from several threads, printing
 * {@code QUEUED name} after each enqueue returned. At the 30th group commit, after the batch was written
 * and before its fdatasync, the process makes its segment look as a power cut would leave it (everything
 * after the last fdatasync gone, then half a record) and stops dead, as kill -9 would.
 */
public final class CrashBeforeForceProcess {
    private static final int FORCES_BEFORE_CRASH = 30;

    private CrashBeforeForceProcess() {
    }

    public static void main(String[] args) throws Exception {
        PrintStream out = new PrintStream(System.out, true, StandardCharsets.UTF_8);
        AtomicInteger forces = new AtomicInteger();
        QueueJournal.ForceHook crash = (segment, durableLength) -> {
            if (forces.incrementAndGet() < FORCES_BEFORE_CRASH) {
                return;
            }
            try {
                // Time for any session that (wrongly) thinks its mail durable already to say so.
                Thread.sleep(300);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            loseWhatIsNotDurable(segment, durableLength);
            out.println("CRASHED");
            Runtime.getRuntime().halt(9);
        };
        FileMailQueueFactory factory = new FileMailQueueFactory(Path.of(args[0]), Clock.systemUTC(),
            FileMailQueueFactory.SEGMENT_LIMIT, crash);
        FileMailQueue queue = factory.createQueue(MailQueueName.of("spool"));
        AtomicInteger counter = new AtomicInteger();
        ExecutorService sessions = Executors.newFixedThreadPool(8);
        for (int thread = 0; thread < 8; thread++) {
            sessions.submit(() -> {
                while (true) {
                    String name = "mail-" + counter.incrementAndGet();
                    queue.enQueue(TestMails.mail(name, FileMailQueueKillTest.body(name)));
                    out.println("QUEUED " + name);
                }
            });
        }
        Thread.sleep(Long.MAX_VALUE);
    }

    private static void loseWhatIsNotDurable(Path segment, long durableLength) throws java.io.IOException {
        byte[] frame = new JournalRecord.Content("0190c3f2a1b4-00000007-5e1f0c2a9d3b", TestMails.message("torn")).frame();
        try (FileChannel channel = FileChannel.open(segment, StandardOpenOption.WRITE)) {
            channel.truncate(durableLength);
            channel.write(java.nio.ByteBuffer.wrap(frame, 0, frame.length / 2), durableLength);
        }
    }
}
