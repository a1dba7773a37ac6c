package dev.postern.app.queue;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import org.apache.james.queue.api.MailQueue.MailQueueItem;
import org.apache.james.queue.api.MailQueueName;
import org.apache.mailet.Mail;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import reactor.core.publisher.Flux;

/**
 * kill -9 in the middle of concurrent enqueues and deliveries: every mail whose enqueue had returned
 * and that was not completed comes back, whole; nothing half-written is visible; temporary files are
 * gone. (kill -9 keeps the page cache, so this checks the protocol, not the fsyncs.)
 */
class FileMailQueueKillTest {
    @TempDir
    Path directory;

    static byte[] body(String name) {
        return TestMails.message((name + " ").repeat(Math.abs(name.hashCode() % 50_000)));
    }

    @Test
    void killedProcessLosesNoQueuedMail() throws Exception {
        String java = ProcessHandle.current().info().command().orElse("java");
        Process process = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"),
            CrashingQueueProcess.class.getName(), directory.toString())
            .redirectError(ProcessBuilder.Redirect.DISCARD)
            .start();
        Set<String> queued = new HashSet<>();
        Set<String> done = new HashSet<>();
        try (BufferedReader lines = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            String line;
            while (queued.size() < 300 && System.nanoTime() < deadline && (line = lines.readLine()) != null) {
                record(line, queued, done);
            }
            // SIGKILL through the handle: Process.destroyForcibly would also close the pipe we still read.
            process.toHandle().destroyForcibly();
            process.waitFor(30, TimeUnit.SECONDS);
            while ((line = lines.readLine()) != null) {
                record(line, queued, done);
            }
        } finally {
            process.destroyForcibly();
        }
        assertThat(queued).hasSizeGreaterThanOrEqualTo(300);

        try (FileMailQueueFactory factory = new FileMailQueueFactory(directory, Clock.systemUTC())) {
            FileMailQueue queue = factory.getQueue(MailQueueName.of("spool")).orElseThrow();
            QueueFiles files = new QueueFiles(directory);
            assertThat(files.temporary()).isEmpty();
            assertThat(files.corrupt()).isEmpty();
            int size = Math.toIntExact(queue.getSize());
            List<Mail> recovered = Flux.from(queue.deQueue()).take(size).map(MailQueueItem::getMail)
                .collectList().block(Duration.ofMinutes(1));

            Map<String, Mail> byName = new HashMap<>();
            recovered.forEach(mail -> byName.put(mail.getName(), mail));
            Set<String> expected = new HashSet<>(queued);
            expected.removeAll(done);
            System.out.printf("killed after %d queued, %d done; recovered %d mails%n", queued.size(), done.size(), recovered.size());
            assertThat(byName.keySet()).containsAll(expected);
            for (Mail mail : recovered) {
                assertThat(TestMails.rawBytesOf(mail)).isEqualTo(body(mail.getName()));
            }
            assertThat(files.content()).hasSize(recovered.size());
        }
    }

    private static void record(String line, Set<String> queued, Set<String> done) {
        if (line.startsWith("QUEUED ")) {
            queued.add(line.substring("QUEUED ".length()));
        } else if (line.startsWith("COMPLETING ")) {
            done.add(line.substring("COMPLETING ".length()));
        }
    }
}
