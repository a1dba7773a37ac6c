package dev.postern.mailets;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

import org.apache.james.core.MailAddress;
import org.apache.mailet.Mail;
import org.apache.mailet.base.test.FakeMail;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.postern.delivery.OriginalRecipients;
import dev.postern.queue.MessageTimes;
import dev.postern.queue.QueueIdGenerator;

class VirtualAliasExpansionTest {
    private static final String RAW = "From: alice@remote.example\r\nTo: team@v.example\r\nSubject: x\r\n\r\nbody\r\n";

    @TempDir
    Path directory;

    private final CleanupMailets fixture = new CleanupMailets();

    private VirtualAliasExpansion mailet(String... lines) throws Exception {
        return fixture.init(new VirtualAliasExpansion(fixture.environment(lines), fixture.clock, new QueueIdGenerator()),
            "virtual");
    }

    private String table() throws Exception {
        Path file = directory.resolve("virtual");
        Files.writeString(file, String.join("\n",
            "team@v.example  alice@mx.example, bob@mx.example, sales@v.example",
            "sales@v.example carol@remote.example, bob@mx.example",
            "self@v.example  self@v.example, archive@mx.example",
            "loop@v.example  loop@v.example, loop2@v.example",
            "loop2@v.example loop3@v.example",
            "loop3@v.example loop2@v.example",
            "") , StandardCharsets.UTF_8);
        return "virtual_alias_maps = texthash:" + file;
    }

    @Test
    void expandsEveryRecipientRemovesDuplicatesAndRemembersOrigTo() throws Exception {
        FakeMail mail = CleanupMailets.mail(RAW, "alice@remote.example", "team@v.example", "dave@remote.example",
            "sales@v.example");

        mailet(table()).service(mail);

        assertThat(mail.getRecipients()).extracting(MailAddress::asString).containsExactly(
            "alice@mx.example", "bob@mx.example", "carol@remote.example", "dave@remote.example");
        assertThat(OriginalRecipients.of(mail, new MailAddress("alice@mx.example"))).contains("team@v.example");
        assertThat(OriginalRecipients.of(mail, new MailAddress("carol@remote.example"))).contains("team@v.example");
        assertThat(OriginalRecipients.of(mail, new MailAddress("dave@remote.example"))).isEmpty();
        assertThat(mail.getState()).isNotEqualTo(Mail.GHOST);
        assertThat(fixture.context.sent).isEmpty();
        assertThat(((CleanupMailets.TrackedMessage) mail.getMessage()).changes).as("the message itself is not touched").isZero();
    }

    @Test
    void anAddressInItsOwnExpansionIsKept() throws Exception {
        FakeMail mail = CleanupMailets.mail(RAW, "alice@remote.example", "self@v.example");
        mailet(table()).service(mail);
        assertThat(mail.getRecipients()).extracting(MailAddress::asString).containsExactly("self@v.example", "archive@mx.example");
        assertThat(OriginalRecipients.of(mail, new MailAddress("self@v.example"))).isEmpty();
        assertThat(OriginalRecipients.of(mail, new MailAddress("archive@mx.example"))).contains("self@v.example");
    }

    @Test
    void origToKeepsTheFirstOriginalAcrossStages() throws Exception {
        FakeMail mail = CleanupMailets.mail(RAW, "alice@remote.example", "team@v.example");
        OriginalRecipients.record(mail, java.util.Map.of(new MailAddress("team@v.example"), new MailAddress("crew@old.example")));
        mailet(table()).service(mail);
        assertThat(OriginalRecipients.of(mail, new MailAddress("bob@mx.example"))).contains("crew@old.example");
    }

    @Test
    void aRecursionOverrunDefersTheWholeUnchangedMail() throws Exception {
        FakeMail mail = CleanupMailets.mail(RAW, "alice@remote.example", "dave@remote.example", "loop@v.example");
        MessageTimes.stamp(mail, CleanupMailets.NOW.minusSeconds(3), CleanupMailets.NOW.minusSeconds(2));

        mailet(table(), "virtual_alias_recursion_limit = 20", "minimal_backoff_time = 10m").service(mail);

        assertThat(mail.getState()).isEqualTo(Mail.GHOST);
        assertThat(fixture.context.sent).hasSize(1);
        RecordingMailetContext.Sent sent = fixture.context.sent.get(0);
        assertThat(sent.processor()).isEqualTo("virtual-alias");
        assertThat(sent.unit().toSeconds(sent.delay())).isEqualTo(600);
        assertThat(sent.mail().getRecipients()).extracting(MailAddress::asString)
            .containsExactly("dave@remote.example", "loop@v.example");
        assertThat(sent.mail().getAttribute(dev.postern.queue.MailAttributes.ORIG_TO)).isEmpty();
        assertThat(fixture.log).containsExactly(
            CleanupMailets.LOG_PREFIX + "to=<dave@remote.example>, relay=none, delay=3, delays=1/2/0/0, dsn=4.6.0, "
                + "status=deferred (Alias expansion error)",
            CleanupMailets.LOG_PREFIX + "to=<loop@v.example>, relay=none, delay=3, delays=1/2/0/0, dsn=4.6.0, "
                + "status=deferred (Alias expansion error)");
    }

    @Test
    void anExpansionOverrunDefersToTheConfiguredProcessor() throws Exception {
        FakeMail mail = CleanupMailets.mail(RAW, "alice@remote.example", "team@v.example");
        VirtualAliasExpansion mailet = fixture.init(new VirtualAliasExpansion(
            fixture.environment(table(), "virtual_alias_expansion_limit = 2"), fixture.clock, new QueueIdGenerator()),
            "virtual", "retryProcessor", "later");
        mailet.service(mail);
        assertThat(fixture.context.sent).extracting(RecordingMailetContext.Sent::processor).containsExactly("later");
        assertThat(fixture.context.sent.get(0).unit()).isEqualTo(TimeUnit.SECONDS);
        assertThat(fixture.context.sent.get(0).delay()).isEqualTo(300);
        assertThat(mail.getState()).isEqualTo(Mail.GHOST);
    }

    @Test
    void aFailedLookupDefers() throws Exception {
        FakeMail mail = CleanupMailets.mail(RAW, "alice@remote.example", "team@v.example");
        mailet("virtual_alias_maps = fail:broken").service(mail);
        assertThat(mail.getState()).isEqualTo(Mail.GHOST);
        assertThat(fixture.context.sent).hasSize(1);
        assertThat(fixture.log).singleElement().asString().endsWith("dsn=4.6.0, status=deferred (Alias expansion error)");
    }

    @Test
    void noTablesNoChange() throws Exception {
        FakeMail mail = CleanupMailets.mail(RAW, "alice@remote.example", "team@v.example");
        mailet().service(mail);
        assertThat(mail.getRecipients()).extracting(MailAddress::asString).containsExactly("team@v.example");
        assertThat(mail.getAttribute(dev.postern.queue.MailAttributes.ORIG_TO)).isEmpty();
    }
}
