package dev.postern.app.queue;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;

import org.apache.james.core.MailAddress;
import org.apache.james.queue.api.MailQueue.MailQueueItem;
import org.apache.james.queue.api.MailQueue.MailQueueItem.CompletionStatus;
import org.apache.james.queue.api.MailQueueName;
import org.apache.mailet.Mail;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import reactor.core.publisher.Flux;

/**
 * The path the Postern performance model cares about: the spooler takes a mail from {@code spool} and a
 * mailet puts the same, unchanged mail into {@code outgoing}. Only a small envelope may be written.
 */
class FileMailQueueSharedContentTest {
    @TempDir
    Path directory;

    private FileMailQueueFactory factory;
    private FileMailQueue spool;
    private FileMailQueue outgoing;
    private QueueFiles files;

    @BeforeEach
    void setUp() throws Exception {
        factory = new FileMailQueueFactory(directory, Clock.systemUTC());
        spool = factory.createQueue(MailQueueName.of("spool"));
        outgoing = factory.createQueue(MailQueueName.of("outgoing"));
        files = new QueueFiles(directory);
    }

    @AfterEach
    void tearDown() {
        factory.close();
    }

    @Test
    void unchangedMailMovesToAnotherQueueWithoutASecondCopy() throws Exception {
        byte[] bytes = TestMails.message("body ".repeat(10_000));
        spool.enQueue(TestMails.mail("moved", bytes));
        String content = files.content().get(0);
        MailQueueItem fromSpool = Flux.from(spool.deQueue()).blockFirst(Duration.ofSeconds(10));
        fromSpool.getMail().getMessage().getSubject();

        outgoing.enQueue(fromSpool.getMail());

        assertThat(files.content()).containsExactly(content);
        assertThat(files.envelope(files.envelopes("outgoing").get(0)).contentId()).contains(content);
        fromSpool.done(CompletionStatus.SUCCESS);
        assertThat(files.envelopes("spool")).isEmpty();
        assertThat(files.content()).containsExactly(content);

        MailQueueItem fromOutgoing = Flux.from(outgoing.deQueue()).blockFirst(Duration.ofSeconds(10));
        assertThat(TestMails.rawBytesOf(fromOutgoing.getMail())).isEqualTo(bytes);
        fromOutgoing.done(CompletionStatus.SUCCESS);
        assertThat(files.content()).isEmpty();
    }

    @Test
    void splittingByRecipientAsRemoteDeliveryDoesSharesTheContent() throws Exception {
        spool.enQueue(TestMails.mail("split"));
        MailQueueItem fromSpool = Flux.from(spool.deQueue()).blockFirst(Duration.ofSeconds(10));
        Mail mail = fromSpool.getMail();

        mail.setRecipients(List.of(new MailAddress("bob@example.net")));
        mail.setName("split-example.net");
        outgoing.enQueue(mail);
        mail.setRecipients(List.of(new MailAddress("carol@example.org")));
        mail.setName("split-example.org");
        outgoing.enQueue(mail);
        fromSpool.done(CompletionStatus.SUCCESS);

        assertThat(files.content()).hasSize(1);
        assertThat(files.envelopes("outgoing")).hasSize(2);
        List<MailQueueItem> items = Flux.from(outgoing.deQueue()).take(2).collectList().block(Duration.ofSeconds(10));
        assertThat(items).extracting(item -> item.getMail().getName()).containsExactly("split-example.net", "split-example.org");
        items.get(0).done(CompletionStatus.SUCCESS);
        assertThat(files.content()).hasSize(1);
        items.get(1).done(CompletionStatus.SUCCESS);
        assertThat(files.content()).isEmpty();
    }

    @Test
    void modifiedMessageGetsItsOwnCopy() throws Exception {
        spool.enQueue(TestMails.mail("modified"));
        MailQueueItem fromSpool = Flux.from(spool.deQueue()).blockFirst(Duration.ofSeconds(10));
        fromSpool.getMail().getMessage().addHeader("X-Postern-Filter", "checked");

        outgoing.enQueue(fromSpool.getMail());
        fromSpool.done(CompletionStatus.SUCCESS);

        assertThat(files.content()).hasSize(1);
        Mail dequeued = Flux.from(outgoing.deQueue()).blockFirst(Duration.ofSeconds(10)).getMail();
        assertThat(dequeued.getMessage().getHeader("X-Postern-Filter")).containsExactly("checked");
        assertThat(new String(files.contentBytes(files.content().get(0)))).contains("X-Postern-Filter: checked");
    }

    @Test
    void modificationAfterTheFirstMoveIsNotLost() throws Exception {
        spool.enQueue(TestMails.mail("twice"));
        MailQueueItem fromSpool = Flux.from(spool.deQueue()).blockFirst(Duration.ofSeconds(10));
        Mail mail = fromSpool.getMail();
        outgoing.enQueue(mail);
        mail.getMessage().setSubject("changed afterwards");
        outgoing.enQueue(mail);

        assertThat(files.content()).hasSize(2);
        List<MailQueueItem> items = Flux.from(outgoing.deQueue()).take(2).collectList().block(Duration.ofSeconds(10));
        assertThat(items.get(0).getMail().getMessage().getSubject()).isEqualTo("queued");
        assertThat(items.get(1).getMail().getMessage().getSubject()).isEqualTo("changed afterwards");
    }

    @Test
    void duplicatedMailIsWrittenAgain() throws Exception {
        spool.enQueue(TestMails.mail("original"));
        Mail mail = Flux.from(spool.deQueue()).blockFirst(Duration.ofSeconds(10)).getMail();

        outgoing.enQueue(mail.duplicate());

        assertThat(files.content()).hasSize(2);
    }

    @Test
    void mailOfAnotherStoreIsWrittenAgain(@TempDir Path otherDirectory) throws Exception {
        spool.enQueue(TestMails.mail("foreign"));
        Mail mail = Flux.from(spool.deQueue()).blockFirst(Duration.ofSeconds(10)).getMail();
        try (FileMailQueueFactory other = new FileMailQueueFactory(otherDirectory, Clock.systemUTC())) {
            other.createQueue(MailQueueName.of("outgoing")).enQueue(mail);

            assertThat(new QueueFiles(otherDirectory).content()).hasSize(1);
        }
    }

    /**
     * The fsync cost, measured: a first enqueue and moving an unchanged mail to another queue each cost
     * one fdatasync of the segment and no directory fsync; completing costs none. Under load the
     * fdatasync is shared between concurrent enqueuers (see the concurrency test).
     */
    @Test
    void fsyncsPerEnqueue() throws Exception {
        SyncStatistics statistics = factory.syncStatistics();

        long filesBefore = statistics.fileSyncs();
        long directoriesBefore = statistics.directorySyncs();
        spool.enQueue(TestMails.mail("measured"));
        long firstFiles = statistics.fileSyncs() - filesBefore;
        long firstDirectories = statistics.directorySyncs() - directoriesBefore;

        MailQueueItem item = Flux.from(spool.deQueue()).blockFirst(Duration.ofSeconds(10));
        filesBefore = statistics.fileSyncs();
        directoriesBefore = statistics.directorySyncs();
        outgoing.enQueue(item.getMail());
        long movedFiles = statistics.fileSyncs() - filesBefore;
        long movedDirectories = statistics.directorySyncs() - directoriesBefore;

        filesBefore = statistics.fileSyncs();
        directoriesBefore = statistics.directorySyncs();
        item.done(CompletionStatus.SUCCESS);
        long completedSyncs = statistics.fileSyncs() - filesBefore + statistics.directorySyncs() - directoriesBefore;

        System.out.printf("fsyncs: first enqueue %d file + %d directory; unchanged move %d file + %d directory; done(SUCCESS) %d%n",
            firstFiles, firstDirectories, movedFiles, movedDirectories, completedSyncs);
        assertThat(firstFiles).isEqualTo(1);
        assertThat(firstDirectories).isZero();
        assertThat(movedFiles).isEqualTo(1);
        assertThat(movedDirectories).isZero();
        assertThat(completedSyncs).isZero();
    }
}
