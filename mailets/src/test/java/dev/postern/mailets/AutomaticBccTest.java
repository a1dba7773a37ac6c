package dev.postern.mailets;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.EnumSet;

import javax.mail.MessagingException;

import org.apache.james.core.MailAddress;
import org.apache.mailet.DsnParameters;
import org.apache.mailet.Mail;
import org.apache.mailet.base.test.FakeMail;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import dev.postern.queue.QueueIdGenerator;

class AutomaticBccTest {
    private static final String RAW = "From: alice@remote.example\r\nTo: bob@mx.example\r\nSubject: x\r\n\r\nbody\r\n";

    private final CleanupMailets fixture = new CleanupMailets();

    private AutomaticBcc mailet(String... lines) throws Exception {
        return fixture.init(new AutomaticBcc(fixture.environment(lines), fixture.clock, new QueueIdGenerator()), "bcc");
    }

    /** Recipients " ; "-separated, the first ones the mail's own. */
    @ParameterizedTest(name = "{0} | {1} -> {3}")
    @CsvSource(delimiter = '|', textBlock = """
        # always_bcc, a bare name gets @$myorigin
        always_bcc = archive@mx.example                           | alice@remote.example | bob@mx.example | bob@mx.example ; archive@mx.example
        always_bcc = archive                                      | alice@remote.example | bob@mx.example | bob@mx.example ; archive@mx.example
        # sender_bcc_maps, in the canonical lookup order: user@domain, user (local domain), @domain
        sender_bcc_maps = inline:{alice@remote.example=copy@mx.example} | alice+x@remote.example | bob@mx.example | bob@mx.example ; copy@mx.example
        sender_bcc_maps = inline:{@remote.example=copy@mx.example} | alice@remote.example | bob@mx.example | bob@mx.example ; copy@mx.example
        sender_bcc_maps = inline:{alice=copy@mx.example}           | alice@remote.example | bob@mx.example | bob@mx.example
        sender_bcc_maps = inline:{alice=copy@mx.example}           | alice@mx.example     | bob@mx.example | bob@mx.example ; copy@mx.example
        # recipient_bcc_maps: per recipient, each added once
        recipient_bcc_maps = inline:{bob@mx.example=boss@mx.example, @remote.example=boss@mx.example} | alice@remote.example | bob@mx.example ; carol@remote.example | bob@mx.example ; carol@remote.example ; boss@mx.example
        # no duplicate of a recipient the mail already has
        always_bcc = bob@mx.example                               | alice@remote.example | bob@mx.example | bob@mx.example
        sender_bcc_maps = inline:{alice@remote.example=archive@mx.example} | alice@remote.example | bob@mx.example | bob@mx.example ; archive@mx.example
        """)
    void addsOneRecipientEach(String parameter, String sender, String recipients, String expected) throws Exception {
        FakeMail mail = CleanupMailets.mail(RAW, sender, recipients.split(" ; "));
        mailet(parameter).service(mail);
        assertThat(mail.getRecipients()).extracting(MailAddress::asString).containsExactly(expected.split(" ; "));
    }

    @Test
    void allThreeTogetherInPostfixsOrder() throws Exception {
        FakeMail mail = CleanupMailets.mail(RAW, "alice@remote.example", "bob@mx.example");
        mailet("always_bcc = a@mx.example", "sender_bcc_maps = inline:{alice@remote.example=s@mx.example}",
            "recipient_bcc_maps = inline:{bob@mx.example=r@mx.example}").service(mail);
        assertThat(mail.getRecipients()).extracting(MailAddress::asString)
            .containsExactly("bob@mx.example", "a@mx.example", "s@mx.example", "r@mx.example");
    }

    @Test
    void theNullSenderHasNoSenderBcc() throws Exception {
        FakeMail mail = CleanupMailets.mail(RAW, null, "bob@mx.example");
        mailet("sender_bcc_maps = static:copy@mx.example").service(mail);
        assertThat(mail.getRecipients()).extracting(MailAddress::asString).containsExactly("bob@mx.example");
    }

    @Test
    void addedRecipientsAskForNoNotificationsAndOthersKeepTheirs() throws Exception {
        FakeMail mail = CleanupMailets.mail(RAW, "alice@remote.example", "bob@mx.example");
        MailAddress bob = new MailAddress("bob@mx.example");
        DsnParameters.RecipientDsnParameters bobs = DsnParameters.RecipientDsnParameters.of(
            EnumSet.of(DsnParameters.Notify.FAILURE, DsnParameters.Notify.DELAY));
        mail.setDsnParameters(DsnParameters.builder().addRcptParameter(bob, bobs).build().orElseThrow());

        mailet("always_bcc = archive@mx.example").service(mail);

        DsnParameters dsn = mail.dsnParameters().orElseThrow();
        assertThat(dsn.getRcptParameters().get(new MailAddress("archive@mx.example")).getNotifyParameter())
            .contains(EnumSet.of(DsnParameters.Notify.NEVER));
        assertThat(dsn.getRcptParameters().get(bob)).isEqualTo(bobs);
    }

    @Test
    void nothingAddedLeavesTheMailAlone() throws Exception {
        FakeMail mail = CleanupMailets.mail(RAW, "alice@remote.example", "bob@mx.example");
        mailet("recipient_bcc_maps = inline:{carol@mx.example=boss@mx.example}").service(mail);
        assertThat(mail.getRecipients()).extracting(MailAddress::asString).containsExactly("bob@mx.example");
        assertThat(mail.dsnParameters()).isEmpty();
        assertThat(((CleanupMailets.TrackedMessage) mail.getMessage()).changes).isZero();
    }

    @Test
    void aFailedLookupDefersTheUnchangedMail() throws Exception {
        FakeMail mail = CleanupMailets.mail(RAW, "alice@remote.example", "bob@mx.example", "carol@mx.example");
        mailet("always_bcc = archive@mx.example", "recipient_bcc_maps = fail:broken").service(mail);
        assertThat(mail.getState()).isEqualTo(Mail.GHOST);
        assertThat(fixture.context.sent).hasSize(1);
        assertThat(fixture.context.sent.get(0).processor()).isEqualTo("root");
        assertThat(fixture.context.sent.get(0).mail().getRecipients()).extracting(MailAddress::asString)
            .containsExactly("bob@mx.example", "carol@mx.example");
        assertThat(fixture.log).hasSize(2).allMatch(line -> line.endsWith("dsn=4.3.0, status=deferred (Temporary lookup failure)"));
    }

    @Test
    void anInvalidAlwaysBccStopsTheStart() {
        assertThatThrownBy(() -> mailet("always_bcc = two words@x"))
            .isInstanceOf(MessagingException.class)
            .hasMessageContaining("always_bcc");
    }
}
