package dev.postern.mailets;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.concurrent.TimeUnit;

import javax.mail.MessagingException;

import org.apache.james.core.MailAddress;
import org.apache.mailet.Mail;
import org.apache.mailet.base.test.FakeMail;
import org.junit.jupiter.api.Test;

import dev.postern.delivery.OriginalRecipients;
import dev.postern.queue.QueueIdGenerator;

class CanonicalizeTest {
    private static final String RAW = "Received: from client.example by mx.example id 3F2A1B4C5D6E\r\n"
        + "From: \"Alice A.\" <alice@host.example.com>\r\n"
        + "Sender: alice@host.example.com (Alice)\r\n"
        + "To: Bob <bob@old.example>, carol@remote.example\r\n"
        + "Cc: undisclosed:;\r\n"
        + "Subject: hello bob@old.example\r\n"
        + "Message-ID: <1@host.example.com>\r\n"
        + "\r\n"
        + "Body mentions bob@old.example\r\n";

    private final CleanupMailets fixture = new CleanupMailets();

    private Canonicalize mailet(String... lines) throws Exception {
        return fixture.init(new Canonicalize(fixture.environment(lines), fixture.clock, new QueueIdGenerator()), "canonical");
    }

    @Test
    void rewritesEnvelopeAndHeadersKeepingDisplayNamesAndComments() throws Exception {
        Canonicalize mailet = mailet("canonical_maps = inline:{@old.example=@new.example}", "masquerade_domains = example.com");
        Mail mail = CleanupMailets.jamesMail(RAW, "alice@host.example.com", "bob@old.example", "carol@remote.example");

        mailet.service(mail);

        assertThat(mail.getMaybeSender().asString()).isEqualTo("alice@example.com");
        assertThat(mail.getRecipients()).containsExactly(new MailAddress("bob@new.example"), new MailAddress("carol@remote.example"));
        assertThat(OriginalRecipients.of(mail, new MailAddress("bob@new.example"))).contains("bob@old.example");
        assertThat(OriginalRecipients.of(mail, new MailAddress("carol@remote.example"))).isEmpty();
        String text = CleanupMailets.text(mail.getMessage());
        assertThat(text).contains("From: \"Alice A.\" <alice@example.com>\r\n")
            .contains("Sender: alice@example.com (Alice)\r\n")
            .contains("To: Bob <bob@new.example>, carol@remote.example\r\n")
            .contains("Cc: undisclosed:;\r\n")
            .contains("Subject: hello bob@old.example\r\n")
            .contains("Message-ID: <1@host.example.com>\r\n")
            .endsWith("\r\nBody mentions bob@old.example\r\n");
        // header order is kept
        assertThat(text.indexOf("From:")).isLessThan(text.indexOf("Sender:"));
        assertThat(text.indexOf("Sender:")).isLessThan(text.indexOf("To:"));
        assertThat(mail.getState()).isNotEqualTo(Mail.GHOST);
    }

    @Test
    void anUnchangedMessageIsNotTouched() throws Exception {
        Canonicalize mailet = mailet("canonical_maps = inline:{nobody@nowhere.example=x@y.example}");
        FakeMail mail = CleanupMailets.mail(RAW, "alice@host.example.com", "bob@old.example");

        mailet.service(mail);

        assertThat(((CleanupMailets.TrackedMessage) mail.getMessage()).changes).isZero();
        assertThat(mail.getMaybeSender().asString()).isEqualTo("alice@host.example.com");
        assertThat(mail.getRecipients()).containsExactly(new MailAddress("bob@old.example"));
    }

    @Test
    void onlyTheHeadersThatChangeAreSet() throws Exception {
        Canonicalize mailet = mailet("recipient_canonical_maps = inline:{bob@old.example=robert@old.example}");
        FakeMail mail = CleanupMailets.mail(RAW, "alice@host.example.com", "bob@old.example");

        mailet.service(mail);

        assertThat(((CleanupMailets.TrackedMessage) mail.getMessage()).changes).isEqualTo(1);
        assertThat(mail.getMessage().getHeader("To")).containsExactly("Bob <robert@old.example>, carol@remote.example");
        assertThat(mail.getMaybeSender().asString()).as("recipient maps do not touch the sender").isEqualTo("alice@host.example.com");
    }

    @Test
    void classesLimitWhatIsRewritten() throws Exception {
        Canonicalize mailet = mailet("canonical_maps = inline:{@old.example=@new.example, @host.example.com=@h.example}",
            "canonical_classes = envelope_recipient");
        FakeMail mail = CleanupMailets.mail(RAW, "alice@host.example.com", "bob@old.example");

        mailet.service(mail);

        assertThat(mail.getRecipients()).containsExactly(new MailAddress("bob@new.example"));
        assertThat(mail.getMaybeSender().asString()).isEqualTo("alice@host.example.com");
        assertThat(((CleanupMailets.TrackedMessage) mail.getMessage()).changes).isZero();
    }

    @Test
    void recipientsThatBecomeTheSameAreKeptOnce() throws Exception {
        Canonicalize mailet = mailet("canonical_maps = inline:{bob@old.example=carol@remote.example}");
        FakeMail mail = CleanupMailets.mail(RAW, null, "bob@old.example", "carol@remote.example");

        mailet.service(mail);

        assertThat(mail.getRecipients()).containsExactly(new MailAddress("carol@remote.example"));
        assertThat(mail.getMaybeSender().isNullSender()).as("the null sender stays null").isTrue();
    }

    @Test
    void aFailedLookupDefersTheUnchangedMail() throws Exception {
        Canonicalize mailet = mailet("sender_canonical_maps = inline:{alice@host.example.com=a@example.com}",
            "canonical_maps = fail:broken", "minimal_backoff_time = 120s");
        FakeMail mail = CleanupMailets.mail(RAW, "alice@host.example.com", "bob@old.example");

        mailet.service(mail);

        assertThat(mail.getState()).isEqualTo(Mail.GHOST);
        assertThat(fixture.context.sent).hasSize(1);
        RecordingMailetContext.Sent sent = fixture.context.sent.get(0);
        assertThat(sent.processor()).isEqualTo("root");
        assertThat(sent.unit().toSeconds(sent.delay())).isEqualTo(120);
        assertThat(sent.mail().getName()).startsWith(CleanupMailets.QID + "-cleanup-");
        assertThat(sent.mail().getMaybeSender().asString()).isEqualTo("alice@host.example.com");
        assertThat(sent.mail().getRecipients()).containsExactly(new MailAddress("bob@old.example"));
        assertThat(((CleanupMailets.TrackedMessage) mail.getMessage()).changes).isZero();
        assertThat(fixture.log).containsExactly(CleanupMailets.LOG_PREFIX + "to=<bob@old.example>, relay=none, "
            + "delay=0, delays=0/0/0/0, dsn=4.3.0, status=deferred (Temporary lookup failure)");
    }

    @Test
    void aBadClassStopsTheStart() {
        assertThatThrownBy(() -> mailet("masquerade_classes = envelope_sender, everything"))
            .isInstanceOf(MessagingException.class)
            .hasMessageContaining("canonical: masquerade_classes: unknown address class \"everything\"");
    }

    @Test
    void theRetryProcessorCanBeSet() throws Exception {
        Canonicalize mailet = fixture.init(new Canonicalize(fixture.environment("canonical_maps = fail:broken"), fixture.clock,
            new QueueIdGenerator()), "canonical", "retryProcessor", "canonical-retry");
        mailet.service(CleanupMailets.mail(RAW, "alice@host.example.com", "bob@old.example"));
        assertThat(fixture.context.sent).extracting(RecordingMailetContext.Sent::processor).containsExactly("canonical-retry");
        assertThat(fixture.context.sent.get(0).unit()).isEqualTo(TimeUnit.SECONDS);
        assertThat(fixture.context.sent.get(0).delay()).as("minimal_backoff_time's default").isEqualTo(300);
        assertThat(List.of(fixture.context.sent.get(0).mail().getState())).containsExactly("canonical-retry");
    }

    @Test
    void repeatedHeadersFollowTheFirstOneAndUnparsableOnesStayAsTheyAre() throws Exception {
        String raw = "Resent-To: a@old.example\r\n"
            + "Subject: x\r\n"
            + "Resent-To: b@else.example\r\n"
            + "Resent-To: c@old.example (C)\r\n"
            + "Cc: Broken <bob@old.example\r\n"
            + "\r\n"
            + "body\r\n";
        FakeMail mail = CleanupMailets.mail(raw, "alice@remote.example", "bob@else.example");

        mailet("canonical_maps = inline:{@old.example=@new.example}").service(mail);

        String text = CleanupMailets.text(mail.getMessage());
        assertThat(text).startsWith("Resent-To: a@new.example\r\n")
            .contains("Resent-To: b@else.example\r\nResent-To: c@new.example (C)\r\n")
            .contains("Cc: Broken <bob@old.example\r\n");
        assertThat(mail.getMessage().getHeader("Resent-To"))
            .containsExactly("a@new.example", "b@else.example", "c@new.example (C)");
    }
}
