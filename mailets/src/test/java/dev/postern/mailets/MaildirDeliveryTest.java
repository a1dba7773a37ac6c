package dev.postern.mailets;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import javax.mail.MessagingException;
import javax.mail.Session;
import javax.mail.internet.MimeMessage;

import org.apache.james.core.MailAddress;
import org.apache.james.core.MaybeSender;
import org.apache.mailet.Mail;
import org.apache.mailet.base.test.FakeMail;
import org.apache.mailet.base.test.FakeMailetConfig;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.postern.PosternEnvironment;
import dev.postern.config.MainCf;
import dev.postern.delivery.local.Maildir;
import dev.postern.log.MailLog;
import dev.postern.queue.MessageTimes;
import dev.postern.queue.QueueIdGenerator;
import dev.postern.testing.FakeDomainList;
import dev.postern.testing.FakeUsersRepository;

class MaildirDeliveryTest {
    private static final String QID = "3F2A1B4C5D6E";
    private static final Instant NOW = Instant.parse("2024-01-02T03:04:05.123456Z");
    private static final String RAW = "Received: from client.example (client.example [192.0.2.1])\r\n"
        + "\tby mx.example.com (Postern) with ESMTP id 3F2A1B4C5D6E\r\n"
        + "From: alice@remote.example\r\n"
        + "To: bob@localhost\r\n"
        + "Subject: hello\r\n"
        + "Message-ID: <1@remote.example>\r\n"
        + "\r\n"
        + "Hello Bob,\r\n"
        + ". a line with a dot\r\n"
        + "From the start of a line\r\n";
    private static final String LOG_PREFIX = "Jan  2 03:04:05 mx postern/local[" + ProcessHandle.current().pid() + "]: "
        + QID + ": ";

    @TempDir
    Path home;

    private final Clock clock = Clock.fixed(NOW, ZoneOffset.UTC);
    private final List<String> log = new ArrayList<>();
    private final RecordingMailetContext context = new RecordingMailetContext();
    private FakeUsersRepository users = new FakeUsersRepository("bob@mx.example.com", "alice@virtual.example");
    private FakeDomainList domains = new FakeDomainList("mx.example.com", "localhost.example.com", "localhost",
        "virtual.example");
    private Path mail;

    @BeforeEach
    void setUp() {
        mail = home.resolve("var/mail");
    }

    private MaildirDelivery mailet(String... parameters) throws Exception {
        MaildirDelivery mailet = new MaildirDelivery(users, domains, new FakeFileSystem(home), clock, new QueueIdGenerator(),
            new PosternEnvironment(MainCf.parse("main.cf", List.of("myhostname = mx.example.com"), Map.of()),
                new MailLog("postern", "mx.example.com", clock, log::add)));
        FakeMailetConfig.Builder config = FakeMailetConfig.builder().mailetName("local").mailetContext(context.context());
        for (int i = 0; i < parameters.length; i += 2) {
            config.setProperty(parameters[i], parameters[i + 1]);
        }
        mailet.init(config.build());
        return mailet;
    }

    private static FakeMail mail(String raw, String sender, String... recipients) throws MessagingException {
        MimeMessage message = new MimeMessage(Session.getInstance(new Properties()),
            new ByteArrayInputStream(raw.getBytes(StandardCharsets.UTF_8)));
        FakeMail.Builder builder = FakeMail.builder().name(QID).mimeMessage(message).recipients(recipients);
        builder.sender(sender == null ? MaybeSender.nullSender() : MaybeSender.getMailSender(sender));
        return builder.build();
    }

    private static List<Path> files(Path dir) throws IOException {
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        try (Stream<Path> list = Files.list(dir)) {
            return list.sorted().toList();
        }
    }

    private Path maildir(String domain, String user) {
        return mail.resolve(domain).resolve(user).resolve("Maildir");
    }

    @Test
    void deliversIntoNewWithReturnPathXOriginalToAndDeliveredToBeforeTheOriginalBytes() throws Exception {
        FakeMail message = mail(RAW, "alice@remote.example", "bob@localhost");

        mailet().service(message);

        Path maildir = maildir("mx.example.com", "bob");
        List<Path> delivered = files(maildir.resolve("new"));
        assertThat(delivered).hasSize(1);
        assertThat(delivered.get(0).getFileName().toString())
            .matches("1704164645\\.M123456P" + ProcessHandle.current().pid() + "Q\\d+\\.mx\\.example\\.com");
        assertThat(Files.readAllBytes(delivered.get(0))).isEqualTo(("Return-Path: <alice@remote.example>\r\n"
            + "X-Original-To: bob@localhost\r\nDelivered-To: bob@localhost\r\n" + RAW).getBytes(StandardCharsets.UTF_8));
        assertThat(maildir.resolve("tmp")).isEmptyDirectory();
        assertThat(maildir.resolve("cur")).isEmptyDirectory();

        assertThat(message.getRecipients()).isEmpty();
        assertThat(message.getState()).isEqualTo(Mail.GHOST);
        assertThat(context.sent).isEmpty();
        assertThat(log).containsExactly(LOG_PREFIX
            + "to=<bob@localhost>, relay=local, delay=0, delays=0/0/0/0, dsn=2.0.0, status=sent (delivered to maildir)");
    }

    @Test
    void logsTheDelaysCarriedByTheMail() throws Exception {
        FakeMail message = mail(RAW, "alice@remote.example", "bob@localhost");
        MessageTimes.stamp(message, NOW.minusMillis(2500), NOW.minusMillis(2000));

        mailet().service(message);

        assertThat(log).containsExactly(LOG_PREFIX
            + "to=<bob@localhost>, relay=local, delay=2.5, delays=0.5/2/0/0, dsn=2.0.0, status=sent (delivered to maildir)");
    }

    @Test
    void theNullSenderGetsAnEmptyReturnPath() throws Exception {
        mailet().service(mail(RAW, null, "bob@localhost"));

        Path delivered = files(maildir("mx.example.com", "bob").resolve("new")).get(0);
        assertThat(Files.readString(delivered)).startsWith("Return-Path: <>\r\nX-Original-To: bob@localhost\r\n"
            + "Delivered-To: bob@localhost\r\n");
    }

    @Test
    void everyMydestinationDomainSharesOneNamespaceOfLowerCasedUsers() throws Exception {
        FakeMail message = mail(RAW, "alice@remote.example", "bob@localhost", "BOB@MX.Example.COM",
            "Bob@localhost.example.com");

        mailet().service(message);

        List<Path> delivered = files(maildir("mx.example.com", "bob").resolve("new"));
        assertThat(delivered).hasSize(3);
        assertThat(delivered).extracting(MaildirDeliveryTest::deliveredTo)
            .containsExactlyInAnyOrder("bob@localhost", "bob@mx.example.com", "bob@localhost.example.com");
        assertThat(files(mail)).containsExactly(mail.resolve("mx.example.com"));
        assertThat(message.getState()).isEqualTo(Mail.GHOST);
        assertThat(log).containsExactly(
            LOG_PREFIX + "to=<bob@localhost>, relay=local, delay=0, delays=0/0/0/0, dsn=2.0.0, status=sent (delivered to maildir)",
            LOG_PREFIX + "to=<BOB@mx.example.com>, relay=local, delay=0, delays=0/0/0/0, dsn=2.0.0, status=sent (delivered to maildir)",
            LOG_PREFIX + "to=<Bob@localhost.example.com>, relay=local, delay=0, delays=0/0/0/0, dsn=2.0.0, status=sent (delivered to maildir)");
    }

    @Test
    void theSameFinalAddressTwiceIsDeliveredOnce() throws Exception {
        FakeMail message = mail(RAW, "alice@remote.example", "bob@localhost", "BOB@localhost", "carol@localhost",
            "Carol@localhost");

        mailet().service(message);

        assertThat(files(maildir("mx.example.com", "bob").resolve("new"))).hasSize(1);
        assertThat(context.sent).singleElement().satisfies(sent ->
            assertThat(sent.mail().getRecipients()).containsExactly(new MailAddress("carol@localhost")));
        assertThat(message.getState()).isEqualTo(Mail.GHOST);
        assertThat(log).hasSize(2);
    }

    @Test
    void postmasterIsNeverRefused() throws Exception {
        FakeMail message = mail(RAW, "alice@remote.example", "postmaster@localhost");

        mailet().service(message);

        assertThat(files(maildir("mx.example.com", "postmaster").resolve("new"))).hasSize(1);
        assertThat(context.sent).isEmpty();
    }

    @Test
    void virtualMailboxDomainsHaveTheirOwnDirectory() throws Exception {
        FakeMail message = mail(RAW, "bob@mx.example.com", "Alice@Virtual.Example");

        mailet().service(message);

        List<Path> delivered = files(maildir("virtual.example", "alice").resolve("new"));
        assertThat(delivered).hasSize(1);
        assertThat(deliveredTo(delivered.get(0))).isEqualTo("alice@virtual.example");
        assertThat(message.getState()).isEqualTo(Mail.GHOST);
    }

    @Test
    void unknownUsersBounceInOneCopyAndTheOthersAreDelivered() throws Exception {
        FakeMail message = mail(RAW, "alice@remote.example", "carol@localhost", "bob@localhost", "nobody@virtual.example");

        mailet().service(message);

        assertThat(files(maildir("mx.example.com", "bob").resolve("new"))).hasSize(1);
        assertThat(files(mail.resolve("mx.example.com"))).containsExactly(mail.resolve("mx.example.com/bob"));
        assertThat(files(mail.resolve("virtual.example"))).isEmpty();

        assertThat(context.sent).hasSize(1);
        RecordingMailetContext.Sent bounce = context.sent.get(0);
        assertThat(bounce.processor()).isEqualTo("bounces");
        assertThat(bounce.delay()).isZero();
        assertThat(bounce.mail().getName()).startsWith(QID + "-bounce-").isNotEqualTo(QID);
        assertThat(bounce.mail().getRecipients())
            .containsExactly(new MailAddress("carol@localhost"), new MailAddress("nobody@virtual.example"));
        assertThat(bounce.mail().getMaybeSender().asString()).isEqualTo("alice@remote.example");
        assertThat(bounce.mail().getErrorMessage()).isEqualTo("<carol@localhost>: 5.1.1 unknown user: \"carol\"\n"
            + "<nobody@virtual.example>: 5.1.1 unknown user: \"nobody@virtual.example\"");

        assertThat(message.getRecipients()).isEmpty();
        assertThat(message.getState()).isEqualTo(Mail.GHOST);
        assertThat(log).containsExactly(
            LOG_PREFIX + "to=<carol@localhost>, relay=local, delay=0, delays=0/0/0/0, dsn=5.1.1, status=bounced (unknown user: \"carol\")",
            LOG_PREFIX + "to=<bob@localhost>, relay=local, delay=0, delays=0/0/0/0, dsn=2.0.0, status=sent (delivered to maildir)",
            LOG_PREFIX + "to=<nobody@virtual.example>, relay=local, delay=0, delays=0/0/0/0, dsn=5.1.1, status=bounced (unknown user: \"nobody@virtual.example\")");
    }

    @Test
    void aDeliveredToOfTheRecipientIsAMailForwardingLoop() throws Exception {
        FakeMail message = mail("Delivered-To: Bob@LocalHost\r\n" + RAW, "alice@remote.example", "bob@localhost");

        mailet().service(message);

        assertThat(files(maildir("mx.example.com", "bob").resolve("new"))).isEmpty();
        assertThat(context.sent).hasSize(1);
        RecordingMailetContext.Sent bounce = context.sent.get(0);
        assertThat(bounce.processor()).isEqualTo("bounces");
        assertThat(bounce.mail().getRecipients()).containsExactly(new MailAddress("bob@localhost"));
        assertThat(bounce.mail().getErrorMessage()).isEqualTo("<bob@localhost>: 5.4.6 mail forwarding loop for bob@localhost");
        assertThat(message.getState()).isEqualTo(Mail.GHOST);
        assertThat(log).containsExactly(LOG_PREFIX + "to=<bob@localhost>, relay=local, delay=0, delays=0/0/0/0, "
            + "dsn=5.4.6, status=bounced (mail forwarding loop for bob@localhost)");
    }

    @Test
    void aDeliveredToOfAnotherAddressIsNoLoop() throws Exception {
        FakeMail message = mail("Delivered-To: bob@mx.example.com\r\n" + RAW, "alice@remote.example", "bob@localhost");

        mailet().service(message);

        Path delivered = files(maildir("mx.example.com", "bob").resolve("new")).get(0);
        assertThat(Files.readString(delivered)).startsWith("Return-Path: <alice@remote.example>\r\n"
            + "X-Original-To: bob@localhost\r\nDelivered-To: bob@localhost\r\nDelivered-To: bob@mx.example.com\r\n");
        assertThat(context.sent).isEmpty();
    }

    @Test
    void aMailboxThatCannotBeWrittenDefersThatRecipientWithoutLosingIt() throws Exception {
        Files.createDirectories(mail.resolve("mx.example.com"));
        Files.writeString(mail.resolve("mx.example.com/bob"), "in the way");
        FakeMail message = mail(RAW, "alice@remote.example", "bob@localhost", "alice@virtual.example",
            "someone@remote.example");

        mailet().service(message);

        assertThat(files(maildir("virtual.example", "alice").resolve("new"))).hasSize(1);
        assertThat(context.sent).hasSize(1);
        RecordingMailetContext.Sent retry = context.sent.get(0);
        assertThat(retry.processor()).isEqualTo("local-delivery");
        assertThat(retry.delay()).isEqualTo(300);
        assertThat(retry.unit()).isEqualTo(TimeUnit.SECONDS);
        assertThat(retry.mail().getName()).startsWith(QID + "-defer-");
        assertThat(retry.mail().getRecipients()).containsExactly(new MailAddress("bob@localhost"));
        String reason = "cannot update mailbox " + maildir("mx.example.com", "bob") + "/ for user bob. "
            + mail.resolve("mx.example.com/bob") + ": File exists";
        assertThat(retry.mail().getErrorMessage()).isEqualTo("<bob@localhost>: 4.3.0 " + reason);

        // The recipient of another domain stays for the rest of the pipeline.
        assertThat(message.getRecipients()).containsExactly(new MailAddress("someone@remote.example"));
        assertThat(message.getState()).isNotEqualTo(Mail.GHOST);
        assertThat(log).containsExactly(
            LOG_PREFIX + "to=<bob@localhost>, relay=local, delay=0, delays=0/0/0/0, dsn=4.3.0, status=deferred (" + reason + ")",
            LOG_PREFIX + "to=<alice@virtual.example>, relay=local, delay=0, delays=0/0/0/0, dsn=2.0.0, status=sent (delivered to maildir)");
    }

    @Test
    void processorsAndMailRootAreInitParameters() throws Exception {
        Path elsewhere = home.resolve("elsewhere");
        FakeMail message = mail(RAW, "alice@remote.example", "bob@localhost", "carol@localhost");
        Files.createDirectories(elsewhere.resolve("mx.example.com"));
        FakeMail blocked = mail(RAW, "alice@remote.example", "bob@localhost");

        MaildirDelivery mailet = mailet("mailRoot", elsewhere.toString(), "bounceProcessor", "local-bounces",
            "retryProcessor", "local-retry");
        mailet.service(message);
        Files.writeString(elsewhere.resolve("mx.example.com/bob/Maildir/new/x"), "");
        Files.delete(elsewhere.resolve("mx.example.com/bob/Maildir/tmp"));
        Files.writeString(elsewhere.resolve("mx.example.com/bob/Maildir/tmp"), "in the way");
        mailet.service(blocked);

        assertThat(files(elsewhere.resolve("mx.example.com/bob/Maildir/new"))).hasSize(2);
        assertThat(Files.exists(mail)).isFalse();
        assertThat(context.sent).extracting(RecordingMailetContext.Sent::processor)
            .containsExactly("local-bounces", "local-retry");
    }

    @Test
    void aRelativeMailRootIsUnderTheHome() throws Exception {
        mailet("mailRoot", "maildirs").service(mail(RAW, "alice@remote.example", "bob@localhost"));

        assertThat(files(home.resolve("maildirs/mx.example.com/bob/Maildir/new"))).hasSize(1);
    }

    @Test
    void pathTraversalIsAnUnknownUser() throws Exception {
        users = new FakeUsersRepository("bob@mx.example.com", "a/b@mx.example.com");
        FakeMail message = mail(RAW, "alice@remote.example", "\"a/b\"@localhost", "\".hidden\"@localhost");

        mailet().service(message);

        assertThat(Files.exists(mail)).isFalse();
        assertThat(context.sent).singleElement().satisfies(sent -> assertThat(sent.mail().getErrorMessage())
            .isEqualTo("<\"a/b\"@localhost>: 5.1.1 unknown user: \"a/b\"\n"
                + "<\".hidden\"@localhost>: 5.1.1 unknown user: \".hidden\""));
    }

    @Test
    void aFailedLookupDefersRatherThanBounces() throws Exception {
        users = new FakeUsersRepository().failing();
        FakeMail message = mail(RAW, "alice@remote.example", "bob@localhost");

        mailet().service(message);

        assertThat(context.sent).singleElement().satisfies(sent -> {
            assertThat(sent.processor()).isEqualTo("local-delivery");
            assertThat(sent.mail().getErrorMessage()).isEqualTo("<bob@localhost>: 4.3.0 temporary lookup failure");
        });
        assertThat(log).containsExactly(LOG_PREFIX + "to=<bob@localhost>, relay=local, delay=0, delays=0/0/0/0, "
            + "dsn=4.3.0, status=deferred (temporary lookup failure)");
    }

    @Test
    void recipientsOfOtherDomainsAreLeftAlone() throws Exception {
        FakeMail message = mail(RAW, "alice@remote.example", "someone@remote.example");

        mailet().service(message);

        assertThat(message.getRecipients()).containsExactly(new MailAddress("someone@remote.example"));
        assertThat(message.getState()).isNotEqualTo(Mail.GHOST);
        assertThat(log).isEmpty();
        assertThat(context.sent).isEmpty();
    }

    @Test
    void whenACopyCannotBeQueuedItsRecipientsStayOnTheMailAndTheMailetFails() throws Exception {
        context.failing = true;
        FakeMail message = mail(RAW, "alice@remote.example", "bob@localhost", "carol@localhost");

        MaildirDelivery mailet = mailet();
        assertThatThrownBy(() -> mailet.service(message)).isInstanceOf(MessagingException.class).hasMessage("spool full");

        // bob was delivered and must not be delivered again; carol must not be lost.
        assertThat(files(maildir("mx.example.com", "bob").resolve("new"))).hasSize(1);
        assertThat(message.getRecipients()).containsExactly(new MailAddress("carol@localhost"));
    }

    @Test
    void aRetriedCopyLogsUnderTheQueueId() throws Exception {
        FakeMail message = mail(RAW, "alice@remote.example", "bob@localhost");
        message.setName(QID + "-defer-17F0A");

        mailet().service(message);

        assertThat(log).singleElement().asString().startsWith(LOG_PREFIX + "to=<bob@localhost>");
    }

    @Test
    void queueIdsAreTakenFromCopyNames() {
        assertThat(QueueIdGenerator.queueIdOf("3F2A1B4C5D6E")).isEqualTo("3F2A1B4C5D6E");
        assertThat(QueueIdGenerator.queueIdOf("3F2A1B4C5D6E-defer-1A")).isEqualTo("3F2A1B4C5D6E");
        assertThat(QueueIdGenerator.queueIdOf("Mail1234-5678")).isEqualTo("Mail1234-5678");
    }

    private static String deliveredTo(Path file) {
        try {
            return Files.readAllLines(file).get(2).substring("Delivered-To: ".length());
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
