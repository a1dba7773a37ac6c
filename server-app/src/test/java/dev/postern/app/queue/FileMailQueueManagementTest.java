package dev.postern.app.queue;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.List;

import org.apache.james.core.MailAddress;
import org.apache.james.queue.api.MailQueue.MailQueueItem;
import org.apache.james.queue.api.MailQueue.MailQueueItem.CompletionStatus;
import org.apache.james.queue.api.MailQueueName;
import org.apache.james.queue.api.ManageableMailQueue;
import org.apache.james.server.core.MailImpl;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import reactor.core.publisher.Flux;

import dev.postern.testing.time.MutableClock;

class FileMailQueueManagementTest {
    private static final Instant START = Instant.parse("2030-01-01T00:00:00Z");

    @TempDir
    Path directory;

    private MutableClock clock;
    private FileMailQueueFactory factory;
    private FileMailQueue queue;
    private QueueFiles files;

    @BeforeEach
    void setUp() throws Exception {
        clock = new MutableClock(START);
        factory = new FileMailQueueFactory(directory, clock);
        queue = factory.createQueue(MailQueueName.of("outgoing"));
        files = new QueueFiles(directory);
    }

    @AfterEach
    void tearDown() {
        factory.close();
    }

    @Test
    void browseListsEveryMailOldestFirstWithItsNextDelivery() throws Exception {
        queue.enQueue(TestMails.mail("now"));
        queue.enQueue(TestMails.mail("in-an-hour"), Duration.ofHours(1));
        queue.enQueue(TestMails.mail("in-flight"));
        MailQueueItem taken = Flux.from(queue.deQueue()).blockFirst(Duration.ofSeconds(10));
        assertThat(taken.getMail().getName()).isEqualTo("now");

        List<ManageableMailQueue.MailQueueItemView> views = browse();

        assertThat(views).extracting(view -> view.getMail().getName()).containsExactly("now", "in-an-hour", "in-flight");
        assertThat(views).extracting(view -> view.getNextDelivery().map(ZonedDateTime::toInstant).orElseThrow())
            .containsExactly(START, START.plus(Duration.ofHours(1)), START);
        assertThat(views.get(1).getMail().getMessage().getSubject()).isEqualTo("queued");
        assertThat(queue.getSize()).isEqualTo(3);
    }

    @Test
    void removeByNameSenderOrRecipientDeletesTheFiles() throws Exception {
        queue.enQueue(TestMails.mail("by-name"));
        MailImpl fromMallory = TestMails.mail("by-sender");
        fromMallory.setSender(new MailAddress("mallory@example.com"));
        queue.enQueue(fromMallory);
        MailImpl toEve = TestMails.mail("by-recipient");
        toEve.setRecipients(List.of(new MailAddress("eve@example.com"), new MailAddress("bob@example.net")));
        queue.enQueue(toEve, Duration.ofHours(1));
        queue.enQueue(TestMails.mail("kept"));

        assertThat(queue.remove(ManageableMailQueue.Type.Name, "by-name")).isEqualTo(1);
        assertThat(queue.remove(ManageableMailQueue.Type.Sender, "mallory@example.com")).isEqualTo(1);
        assertThat(queue.remove(ManageableMailQueue.Type.Recipient, "eve@example.com")).isEqualTo(1);
        assertThat(queue.remove(ManageableMailQueue.Type.Recipient, "nobody@example.com")).isZero();

        assertThat(browse()).extracting(view -> view.getMail().getName()).containsExactly("kept");
        assertThat(files.envelopes("outgoing")).hasSize(1);
        assertThat(files.content()).hasSize(1);
        assertThat(queue.getSize()).isEqualTo(1);
    }

    @Test
    void removeBySenderMatchesTheNullSender() throws Exception {
        MailImpl bounce = TestMails.mail("bounce");
        bounce.setSender(null);
        queue.enQueue(bounce);

        assertThat(queue.remove(ManageableMailQueue.Type.Sender, "<>")).isEqualTo(1);
        assertThat(queue.getSize()).isZero();
    }

    @Test
    void clearRemovesEverything() throws Exception {
        queue.enQueue(TestMails.mail("one"));
        queue.enQueue(TestMails.mail("two"), Duration.ofDays(1));

        assertThat(queue.clear()).isEqualTo(2);

        assertThat(queue.getSize()).isZero();
        assertThat(browse()).isEmpty();
        assertThat(files.envelopes("outgoing")).isEmpty();
        assertThat(files.content()).isEmpty();
    }

    @Test
    void removingAMailInFlightTakesEffectWhenItsConsumerIsDone() throws Exception {
        queue.enQueue(TestMails.mail("in-flight"));
        MailQueueItem item = Flux.from(queue.deQueue()).blockFirst(Duration.ofSeconds(10));

        assertThat(queue.clear()).isEqualTo(1);
        assertThat(queue.getSize()).isZero();
        assertThat(browse()).isEmpty();
        assertThat(files.content()).hasSize(1);

        item.done(CompletionStatus.RETRY);

        assertThat(queue.getSize()).isZero();
        assertThat(files.envelopes("outgoing")).isEmpty();
        assertThat(files.content()).isEmpty();
        assertThat(Flux.from(queue.deQueue()).next().timeout(Duration.ofMillis(500), reactor.core.publisher.Mono.empty())
            .blockOptional()).isEmpty();
    }

    @Test
    void flushMakesDeferredMailDueNow() throws Exception {
        queue.enQueue(TestMails.mail("ready"));
        queue.enQueue(TestMails.mail("tomorrow"), Duration.ofDays(1));
        queue.enQueue(TestMails.mail("next-week"), Duration.ofDays(7));

        assertThat(queue.flush()).isEqualTo(2);

        assertThat(browse()).extracting(view -> view.getNextDelivery().map(ZonedDateTime::toInstant).orElseThrow())
            .containsOnly(START);
        List<String> names = Flux.from(queue.deQueue()).take(3).map(item -> item.getMail().getName())
            .collectList().block(Duration.ofSeconds(10));
        assertThat(names).containsExactly("ready", "tomorrow", "next-week");
        assertThat(queue.flush()).isZero();
    }

    @Test
    void queueNamesOfAnyShapeGetTheirOwnDirectory() throws Exception {
        FileMailQueue odd = factory.createQueue(MailQueueName.of("../etc/passwd"));
        odd.enQueue(TestMails.mail("contained"));

        assertThat(files.envelopes("../etc/passwd")).hasSize(1);
        assertThat(files.root().resolve("queues").resolve("%2E.%2Fetc%2Fpasswd")).isDirectory();
        assertThat(factory.createQueue(MailQueueName.of("../etc/passwd"))).isSameAs(odd);
    }

    private List<ManageableMailQueue.MailQueueItemView> browse() {
        List<ManageableMailQueue.MailQueueItemView> views = new ArrayList<>();
        ManageableMailQueue.MailQueueIterator iterator = queue.browse();
        iterator.forEachRemaining(views::add);
        iterator.close();
        return views;
    }
}
