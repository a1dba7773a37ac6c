package dev.postern.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;

import javax.mail.internet.MimeMessage;

import org.apache.james.core.MailAddress;
import org.apache.james.core.builder.MimeMessageBuilder;
import org.apache.james.queue.api.MailQueue;
import org.apache.james.queue.api.MailQueueName;
import org.apache.james.server.core.MailImpl;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.postern.app.queue.FileMailQueue;
import dev.postern.app.queue.FileMailQueueFactory;
import reactor.core.publisher.Flux;

/** {@code postern cat QID} prints a queued mail's envelope, then its message, from the segments on disk. */
class CatCommandTest {
    @TempDir
    Path home;

    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();

    @BeforeEach
    void queueMail() throws Exception {
        try (FileMailQueueFactory factory = new FileMailQueueFactory(home.resolve("var/queue"), Clock.systemUTC())) {
            FileMailQueue spool = factory.createQueue(MailQueueName.of("spool"));
            spool.enQueue(mail("3F2A1B4C5D", "bob@example.net", "the body of the wanted mail"));
            spool.enQueue(mail("4A4A4A4A4A", "carol@example.net", "another mail"));
            spool.enQueue(mail("5B5B5B5B5B", "dave@example.net", "a delivered mail"));
            MailQueue.MailQueueItem first = Flux.from(spool.deQueue()).take(3)
                .filter(item -> item.getMail().getName().equals("5B5B5B5B5B")).blockFirst(Duration.ofSeconds(10));
            first.done(MailQueue.MailQueueItem.CompletionStatus.SUCCESS);
        }
    }

    @Test
    void printsTheEnvelopeThenTheMessageOfTheQueueId() {
        int status = cat("3F2A1B4C5D");

        String printed = out.toString(StandardCharsets.UTF_8);
        assertThat(status).isZero();
        assertThat(printed).containsSubsequence("*** ENVELOPE RECORDS spool/", "queue_id: 3F2A1B4C5D",
            "sender: alice@example.com", "recipient: bob@example.net", "*** MESSAGE CONTENTS spool/",
            "Subject: wanted", "the body of the wanted mail", "*** MESSAGE FILE END spool/");
        assertThat(printed).doesNotContain("carol@example.net");
    }

    @Test
    void aQueueIdThatIsNotQueuedIsAnError() {
        assertThat(cat("5B5B5B5B5B")).isEqualTo(1);
        assertThat(out.toString(StandardCharsets.UTF_8)).isEmpty();
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("no queued mail with queue ID 5B5B5B5B5B");
    }

    @Test
    void needsExactlyOneQueueId() {
        assertThatThrownBy(() -> cat()).isInstanceOf(IllegalArgumentException.class).hasMessage(CatCommand.USAGE);
    }

    private int cat(String... arguments) {
        return new CatCommand(PosternHome.of(home), new PrintStream(out, true, StandardCharsets.UTF_8),
            new PrintStream(err, true, StandardCharsets.UTF_8)).run(List.of(arguments));
    }

    private static MailImpl mail(String name, String recipient, String body) throws Exception {
        MimeMessage message = MimeMessageBuilder.mimeMessageBuilder()
            .setSubject(body.contains("wanted") ? "wanted" : "other")
            .setText(body)
            .build();
        return MailImpl.builder().name(name).sender("alice@example.com").addRecipient(new MailAddress(recipient))
            .mimeMessage(message).build();
    }
}
