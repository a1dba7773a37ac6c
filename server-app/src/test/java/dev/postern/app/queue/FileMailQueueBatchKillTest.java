package dev.postern.app.queue;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import org.apache.james.queue.api.MailQueue.MailQueueItem;
import org.apache.james.queue.api.MailQueueName;
import org.apache.mailet.Mail;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import reactor.core.publisher.Flux;

/**
 * The process dies between a batch's write and its fdatasync, and what was not yet forced is lost (as
 * in a power cut) with half a record left behind: every mail whose enqueue had returned comes back
 * whole, because no enqueue returns before the fdatasync that covers it.
 */
class FileMailQueueBatchKillTest {
    @TempDir
    Path directory;

    @Test
    void nothingAcknowledgedIsLostWhenTheProcessDiesBeforeTheBatchIsForced() throws Exception {
        String java = ProcessHandle.current().info().command().orElse("java");
        Process process = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"),
            CrashBeforeForceProcess.class.getName(), directory.toString())
            .redirectError(ProcessBuilder.Redirect.DISCARD)
            .start();
        // A process that never reaches its crash point is stopped, so that the test fails instead of hanging.
        process.onExit().completeOnTimeout(process, 60, TimeUnit.SECONDS).thenAccept(Process::destroyForcibly);
        Set<String> queued = new HashSet<>();
        boolean crashed = false;
        try (BufferedReader lines = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
            String line;
            while ((line = lines.readLine()) != null) {
                if (line.startsWith("QUEUED ")) {
                    queued.add(line.substring("QUEUED ".length()));
                }
                crashed |= line.equals("CRASHED");
            }
            assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
        } finally {
            process.destroyForcibly();
        }
        assertThat(crashed).isTrue();
        assertThat(queued).isNotEmpty();

        try (FileMailQueueFactory factory = new FileMailQueueFactory(directory, Clock.systemUTC())) {
            FileMailQueue queue = factory.getQueue(MailQueueName.of("spool")).orElseThrow();
            List<Mail> recovered = Flux.from(queue.deQueue()).take(queue.getSize()).map(MailQueueItem::getMail)
                .collectList().block(Duration.ofMinutes(1));
            System.out.printf("crashed before an fdatasync after %d acknowledged enqueues; recovered %d%n",
                queued.size(), recovered.size());
            assertThat(recovered).extracting(Mail::getName).containsAll(queued);
            for (Mail mail : recovered) {
                assertThat(TestMails.rawBytesOf(mail)).isEqualTo(FileMailQueueKillTest.body(mail.getName()));
            }
            assertThat(new QueueFiles(directory).corrupt()).isEmpty();
        }
    }
}
