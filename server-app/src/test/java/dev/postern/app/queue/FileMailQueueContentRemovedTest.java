package dev.postern.app.queue;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import org.apache.james.core.MailAddress;
import org.apache.james.queue.api.MailQueue.MailQueueItem;
import org.apache.james.queue.api.MailQueue.MailQueueItem.CompletionStatus;
import org.apache.james.queue.api.MailQueueName;
import org.apache.james.queue.api.ManageableMailQueue;
import org.apache.mailet.Mail;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import reactor.core.publisher.Flux;

/**
 * The "content removed" listener (Postfix's {@code QID: removed}): it hears a message's queue ID once,
 * when the last content file written for that queue ID is gone, and never for what recovery keeps.
 */
class FileMailQueueContentRemovedTest {
    private static final MailQueueName SPOOL = MailQueueName.of("spool");
    private static final MailQueueName OUTGOING = MailQueueName.of("outgoing");

    @TempDir
    Path directory;

    private final List<String> removed = new CopyOnWriteArrayList<>();
    private final List<FileMailQueueFactory> factories = new ArrayList<>();

    @AfterEach
    void tearDown() {
        factories.forEach(FileMailQueueFactory::close);
    }

    private FileMailQueueFactory open() throws Exception {
        FileMailQueueFactory factory = new FileMailQueueFactory(directory, Clock.systemUTC(), removed::add);
        factories.add(factory);
        return factory;
    }

    private static MailQueueItem take(FileMailQueue queue) {
        return Flux.from(queue.deQueue()).blockFirst(Duration.ofSeconds(10));
    }

    @Test
    void aMailDeliveredFromTheSpoolIsRemovedUnderItsQueueId() throws Exception {
        FileMailQueue spool = open().createQueue(SPOOL);
        spool.enQueue(TestMails.mail("3F2A1B4C5D6E"));

        take(spool).done(CompletionStatus.SUCCESS);

        assertThat(removed).containsExactly("3F2A1B4C5D6E");
    }

    @Test
    void aMailSplitIntoTheOutgoingQueueIsRemovedOnceItsLastPartIsDone() throws Exception {
        FileMailQueueFactory factory = open();
        FileMailQueue spool = factory.createQueue(SPOOL);
        FileMailQueue outgoing = factory.createQueue(OUTGOING);
        spool.enQueue(TestMails.mail("3F2A1B4C5D6E"));

        MailQueueItem fromSpool = take(spool);
        Mail mail = fromSpool.getMail();
        mail.setRecipients(List.of(new MailAddress("bob@example.net")));
        mail.setName("3F2A1B4C5D6E-to-example.net");
        outgoing.enQueue(mail);
        mail.setRecipients(List.of(new MailAddress("carol@example.org")));
        mail.setName("3F2A1B4C5D6E-to-example.org");
        outgoing.enQueue(mail);
        fromSpool.done(CompletionStatus.SUCCESS);
        take(outgoing).done(CompletionStatus.SUCCESS);
        assertThat(removed).isEmpty();

        take(outgoing).done(CompletionStatus.SUCCESS);

        assertThat(removed).containsExactly("3F2A1B4C5D6E");
    }

    @Test
    void aRewrittenMessageIsRemovedOnlyWhenItsNewContentIsGone() throws Exception {
        FileMailQueueFactory factory = open();
        FileMailQueue spool = factory.createQueue(SPOOL);
        FileMailQueue outgoing = factory.createQueue(OUTGOING);
        spool.enQueue(TestMails.mail("3F2A1B4C5D6E"));
        QueueFiles files = new QueueFiles(directory);

        MailQueueItem fromSpool = take(spool);
        fromSpool.getMail().getMessage().setHeader("X-Rewritten", "yes");
        fromSpool.getMail().setName("3F2A1B4C5D6E-to-example.net");
        outgoing.enQueue(fromSpool.getMail());
        assertThat(files.content()).hasSize(2);
        fromSpool.done(CompletionStatus.SUCCESS);
        assertThat(files.content()).hasSize(1);
        assertThat(removed).isEmpty();

        take(outgoing).done(CompletionStatus.SUCCESS);

        assertThat(removed).containsExactly("3F2A1B4C5D6E");
        assertThat(files.content()).isEmpty();
    }

    @Test
    void aRetryOrADelayedRequeueDoesNotRemove() throws Exception {
        FileMailQueue outgoing = open().createQueue(OUTGOING);
        outgoing.enQueue(TestMails.mail("3F2A1B4C5D6E"));

        take(outgoing).done(CompletionStatus.RETRY);
        MailQueueItem second = take(outgoing);
        outgoing.enQueue(second.getMail(), Duration.ofMillis(1));
        second.done(CompletionStatus.SUCCESS);
        assertThat(removed).isEmpty();

        take(outgoing).done(CompletionStatus.SUCCESS);

        assertThat(removed).containsExactly("3F2A1B4C5D6E");
    }

    @Test
    void aNameThatIsNoQueueIdIsUsedWhole() throws Exception {
        FileMailQueue spool = open().createQueue(SPOOL);
        spool.enQueue(TestMails.mail("Mail1234-5-to-example.net"));

        take(spool).done(CompletionStatus.SUCCESS);

        assertThat(removed).containsExactly("Mail1234-5-to-example.net");
    }

    @Test
    void anOperatorsRemovalRemoves() throws Exception {
        FileMailQueue spool = open().createQueue(SPOOL);
        spool.enQueue(TestMails.mail("3F2A1B4C5D6E"));

        ((ManageableMailQueue) spool).remove(ManageableMailQueue.Type.Name, "3F2A1B4C5D6E");

        assertThat(removed).containsExactly("3F2A1B4C5D6E");
    }

    @Test
    void recoveryAnnouncesNothingAndKeepsEachContentsQueueId() throws Exception {
        FileMailQueueFactory before = open();
        FileMailQueue spool = before.createQueue(SPOOL);
        FileMailQueue outgoing = before.createQueue(OUTGOING);
        spool.enQueue(TestMails.mail("3F2A1B4C5D6E"));
        MailQueueItem fromSpool = take(spool);
        fromSpool.getMail().setName("3F2A1B4C5D6E-to-example.net");
        outgoing.enQueue(fromSpool.getMail());
        // The process dies before the spool item is done; an interrupted write also left a content nobody refers to.
        before.close();
        Files.write(new QueueFiles(directory).segments().get(0),
            new JournalRecord.Content("0000000000aa-00000000-000000000000", new byte[] {1}).frame(), StandardOpenOption.APPEND);

        FileMailQueueFactory after = open();
        assertThat(removed).isEmpty();
        assertThat(new QueueFiles(directory).content()).hasSize(1);

        take(after.getQueue(SPOOL).orElseThrow()).done(CompletionStatus.SUCCESS);
        assertThat(removed).isEmpty();
        take(after.getQueue(OUTGOING).orElseThrow()).done(CompletionStatus.SUCCESS);

        assertThat(removed).containsExactly("3F2A1B4C5D6E");
    }
}
