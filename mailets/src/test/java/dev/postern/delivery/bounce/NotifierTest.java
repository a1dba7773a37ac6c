package dev.postern.delivery.bounce;

import static java.nio.charset.StandardCharsets.US_ASCII;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import javax.mail.BodyPart;
import javax.mail.Session;
import javax.mail.internet.ContentType;
import javax.mail.internet.InternetHeaders;
import javax.mail.internet.MailDateFormat;
import javax.mail.internet.MimeMessage;
import javax.mail.internet.MimeMultipart;

import org.apache.james.core.MailAddress;
import org.apache.james.core.MaybeSender;
import org.apache.james.server.core.MailImpl;
import org.apache.mailet.DsnParameters.Notify;
import org.apache.mailet.DsnParameters.RecipientDsnParameters;
import org.apache.mailet.DsnParameters;
import org.apache.mailet.Mail;
import org.junit.jupiter.api.Test;

import dev.postern.config.ComponentParameters;
import dev.postern.config.MainCf;
import dev.postern.delivery.RecipientResult;
import dev.postern.log.MailLog;
import dev.postern.queue.MailAttributes;
import dev.postern.queue.MessageTimes;
import dev.postern.queue.QueueIdGenerator;

/** Every notice is written out and parsed back with javax.mail, as the sender's mail reader would. */
class NotifierTest {
    private static final Instant NOW = Instant.parse("2026-11-28T21:00:00Z");
    private static final Instant ARRIVAL = Instant.parse("2026-11-27T08:30:15Z");
    private static final String QID = "3F2A1B4C5D6E";
    private static final Clock CLOCK = Clock.fixed(NOW, ZoneOffset.UTC);
    private static final Session SESSION = Session.getInstance(new java.util.Properties());

    private final List<String> log = new ArrayList<>();
    private final MailAddress alice = address("alice@client.example");
    private final MailAddress bob = address("bob@remote.example");
    private final MailAddress carol = address("carol@remote.example");

    @Test
    void failedRecipientsGetOneNonDeliveryNoticeWithEveryField() throws Exception {
        Mail original = original("alice@client.example", dsn -> dsn
            .envId(DsnParameters.EnvId.of("QQ314159+2Bx"))
            .addRcptParameter(bob, RecipientDsnParameters.of(EnumSet.of(Notify.FAILURE), address("b@alias.example"))));
        RecipientResult bobFailed = RecipientResult.bounced(bob, "5.1.1", "mx.remote.example[192.0.2.7]:25",
                "host mx.remote.example[192.0.2.7] said: 550 5.1.1 <bob@remote.example>: User unknown (in reply to RCPT TO command)", NOW)
            .withRemote("mx.remote.example", "550 5.1.1 <bob@remote.example>: User unknown");
        RecipientResult carolFailed = RecipientResult.bounced(carol, "5.4.4", "none",
            "Host or domain name not found. Name service error for name=remote.example type=MX: Host not found", NOW);

        List<Mail> notices = notifier().nonDelivery(original, QID, List.of(bobFailed, carolFailed));

        assertThat(notices).hasSize(1);
        Mail notice = notices.get(0);
        assertThat(notice.getMaybeSender().isNullSender()).isTrue();
        assertThat(notice.getRecipients()).containsExactly(alice);
        assertThat(QueueIdGenerator.isQueueId(notice.getName())).isTrue();
        assertThat(notice.getName()).isNotEqualTo(QID);

        MimeMessage message = reparse(notice);
        assertThat(message.getHeader("From", null)).isEqualTo("MAILER-DAEMON@mx.example.com (Mail Delivery System)");
        assertThat(message.getHeader("To", null)).isEqualTo("alice@client.example");
        assertThat(message.getSubject()).isEqualTo("Undelivered Mail Returned to Sender");
        assertThat(message.getHeader("Auto-Submitted", null)).isEqualTo("auto-replied");
        assertThat(message.getSentDate().toInstant()).isEqualTo(NOW);
        assertThat(message.getHeader("Message-ID", null)).isEqualTo("<20261128210000." + notice.getName() + "@mx.example.com>");
        ContentType type = new ContentType(message.getContentType());
        assertThat(type.getBaseType()).isEqualTo("multipart/report");
        assertThat(type.getParameter("report-type")).isEqualTo("delivery-status");

        MimeMultipart parts = (MimeMultipart) message.getContent();
        assertThat(parts.getCount()).isEqualTo(3);
        assertThat(baseType(parts.getBodyPart(0))).isEqualTo("text/plain");
        String human = text(parts.getBodyPart(0));
        assertThat(human)
            .startsWith("This is the Postern program at host mx.example.com.\r\n")
            .contains("your message could not\r\nbe delivered to one or more recipients")
            .contains("\r\n<bob@remote.example> (expanded from <b@alias.example>): host\r\n"
                + "    mx.remote.example[192.0.2.7] said: 550 5.1.1 <bob@remote.example>: User\r\n"
                + "    unknown (in reply to RCPT TO command)\r\n")
            .contains("\r\n<carol@remote.example>: Host or domain name not found. Name service error\r\n"
                + "    for name=remote.example type=MX: Host not found\r\n");
        assertThat(message.getHeader("Date", null)).isEqualTo("Sat, 28 Nov 2026 21:00:00 +0000 (UTC)");

        assertThat(baseType(parts.getBodyPart(1))).isEqualTo("message/delivery-status");
        List<InternetHeaders> report = report(parts.getBodyPart(1));
        assertThat(report).hasSize(3);
        InternetHeaders perMessage = report.get(0);
        assertThat(field(perMessage, "Reporting-MTA")).isEqualTo("dns; mx.example.com");
        assertThat(field(perMessage, "X-Postfix-Queue-ID")).isEqualTo(QID);
        assertThat(field(perMessage, "X-Postfix-Sender")).isEqualTo("rfc822; alice@client.example");
        assertThat(new MailDateFormat().parse(field(perMessage, "Arrival-Date")).toInstant()).isEqualTo(ARRIVAL);
        assertThat(field(perMessage, "Original-Envelope-Id")).isEqualTo("QQ314159+x");
        InternetHeaders bobFields = report.get(1);
        assertThat(field(bobFields, "Final-Recipient")).isEqualTo("rfc822; bob@remote.example");
        assertThat(field(bobFields, "Original-Recipient")).isEqualTo("rfc822; b@alias.example");
        assertThat(field(bobFields, "Action")).isEqualTo("failed");
        assertThat(field(bobFields, "Status")).isEqualTo("5.1.1");
        assertThat(field(bobFields, "Remote-MTA")).isEqualTo("dns; mx.remote.example");
        assertThat(field(bobFields, "Diagnostic-Code")).isEqualTo("smtp; 550 5.1.1 <bob@remote.example>: User unknown");
        assertThat(bobFields.getHeader("Will-Retry-Until")).isNull();
        InternetHeaders carolFields = report.get(2);
        assertThat(field(carolFields, "Final-Recipient")).isEqualTo("rfc822; carol@remote.example");
        assertThat(carolFields.getHeader("Original-Recipient")).isNull();
        assertThat(carolFields.getHeader("Remote-MTA")).isNull();
        assertThat(field(carolFields, "Action")).isEqualTo("failed");
        assertThat(field(carolFields, "Status")).isEqualTo("5.4.4");
        assertThat(field(carolFields, "Diagnostic-Code"))
            .isEqualTo("X-Postfix; Host or domain name not found. Name service error for name=remote.example type=MX: Host not found");

        assertThat(baseType(parts.getBodyPart(2))).isEqualTo("message/rfc822");
        MimeMessage returned = (MimeMessage) parts.getBodyPart(2).getContent();
        assertThat(returned.getSubject()).isEqualTo("lunch");
        assertThat(returned.getContent().toString()).contains("see you at noon");

        assertThat(log).containsExactly(
            "Nov 28 21:00:00 mx postern/cleanup[" + pid() + "]: " + notice.getName() + ": message-id="
                + message.getHeader("Message-ID", null),
            "Nov 28 21:00:00 mx postern/bounce[" + pid() + "]: " + QID + ": sender non-delivery notification: " + notice.getName(),
            "Nov 28 21:00:00 mx postern/qmgr[" + pid() + "]: " + notice.getName() + ": from=<>, size=" + notice.getMessageSize()
                + ", nrcpt=1 (queue active)");
    }

    @Test
    void anExpiredRecipientIsReportedFailedWithItsLastTemporaryStatus() throws Exception {
        Mail original = original("alice@client.example", dsn -> dsn);
        RecipientResult expired = RecipientResult.deferred(bob, "4.4.1", "none",
            "connect to mx.remote.example[192.0.2.7]:25: Connection refused", NOW);

        Mail notice = single(notifier().nonDelivery(original, QID, List.of(expired)));

        InternetHeaders fields = report(parts(notice).getBodyPart(1)).get(1);
        assertThat(field(fields, "Action")).isEqualTo("failed");
        assertThat(field(fields, "Status")).isEqualTo("4.4.1");
        assertThat(field(fields, "Diagnostic-Code")).isEqualTo("X-Postfix; connect to mx.remote.example[192.0.2.7]:25: Connection refused");
        assertThat(report(parts(notice).getBodyPart(1)).get(0).getHeader("Original-Envelope-Id")).isNull();
    }

    @Test
    void delayedRecipientsGetAWarningThatSaysUntilWhenItIsRetried() throws Exception {
        Mail original = original("alice@client.example", dsn -> dsn);
        RecipientResult delayed = RecipientResult.deferred(bob, "4.4.1", "none",
            "connect to mx.remote.example[192.0.2.7]:25: Connection refused", NOW);

        Mail notice = single(notifier("delay_warning_time = 4h").delayWarning(original, QID, List.of(delayed)));

        MimeMessage message = reparse(notice);
        assertThat(message.getSubject()).isEqualTo("Delayed Mail (still being retried)");
        assertThat(notice.getMaybeSender().isNullSender()).isTrue();
        assertThat(notice.getRecipients()).containsExactly(alice);
        MimeMultipart parts = (MimeMultipart) message.getContent();
        assertThat(text(parts.getBodyPart(0)))
            .contains("# THIS IS A WARNING ONLY.  YOU DO NOT NEED TO RESEND YOUR MESSAGE. #")
            .contains("Your message could not be delivered for more than 4 hour(s).\r\nIt will be retried until it is 5 day(s) old.")
            .contains("<bob@remote.example>: connect to mx.remote.example[192.0.2.7]:25: Connection\r\n    refused\r\n");
        InternetHeaders fields = report(parts.getBodyPart(1)).get(1);
        assertThat(field(fields, "Action")).isEqualTo("delayed");
        assertThat(field(fields, "Status")).isEqualTo("4.4.1");
        assertThat(new MailDateFormat().parse(field(fields, "Will-Retry-Until")).toInstant())
            .isEqualTo(ARRIVAL.plus(java.time.Duration.ofDays(5)));
        assertThat(baseType(parts.getBodyPart(2))).isEqualTo("text/rfc822-headers");
        assertThat(log).anySatisfy(line -> assertThat(line).endsWith(QID + ": sender delay notification: " + notice.getName()));
    }

    @Test
    void successIsReportedOnlyForRecipientsThatAskedForIt() throws Exception {
        Mail original = original("alice@client.example", dsn -> dsn
            .addRcptParameter(bob, RecipientDsnParameters.of(EnumSet.of(Notify.SUCCESS, Notify.FAILURE))));
        RecipientResult bobSent = RecipientResult.sent(bob, "2.0.0", "mx.remote.example[192.0.2.7]:25",
            "250 2.0.0 Ok: queued as 4A5B", NOW).withRemote("mx.remote.example", "250 2.0.0 Ok: queued as 4A5B");
        RecipientResult carolSent = RecipientResult.sent(carol, "2.0.0", "mx.remote.example[192.0.2.7]:25",
            "250 2.0.0 Ok: queued as 4A5C", NOW);

        Mail notice = single(notifier().success(original, QID, List.of(bobSent, carolSent)));

        MimeMessage message = reparse(notice);
        assertThat(message.getSubject()).isEqualTo("Successful Mail Delivery Report");
        MimeMultipart parts = (MimeMultipart) message.getContent();
        assertThat(text(parts.getBodyPart(0)))
            .contains("Your message was successfully delivered to the destination(s)")
            .contains("<bob@remote.example>: delivery via mx.remote.example[192.0.2.7]:25: 250\r\n"
                + "    2.0.0 Ok: queued as 4A5B\r\n")
            .doesNotContain("carol");
        List<InternetHeaders> report = report(parts.getBodyPart(1));
        assertThat(report).hasSize(2);
        assertThat(field(report.get(1), "Final-Recipient")).isEqualTo("rfc822; bob@remote.example");
        assertThat(field(report.get(1), "Action")).isEqualTo("delivered");
        assertThat(field(report.get(1), "Status")).isEqualTo("2.0.0");
        assertThat(field(report.get(1), "Diagnostic-Code")).isEqualTo("smtp; 250 2.0.0 Ok: queued as 4A5B");
        assertThat(baseType(parts.getBodyPart(2))).isEqualTo("text/rfc822-headers");
        assertThat(log).anySatisfy(line -> assertThat(line)
            .endsWith(QID + ": sender delivery status notification: " + notice.getName()));

        assertThat(notifier().success(original("alice@client.example", dsn -> dsn), QID, List.of(bobSent))).isEmpty();
    }

    @Test
    void retHdrsReturnsOnlyTheHeaders() throws Exception {
        Mail original = original("alice@client.example", dsn -> dsn.ret(DsnParameters.Ret.HDRS));

        Mail notice = single(notifier().nonDelivery(original, QID, List.of(bounced(bob))));

        BodyPart returned = parts(notice).getBodyPart(2);
        assertThat(baseType(returned)).isEqualTo("text/rfc822-headers");
        assertThat(returned.getHeader("Content-Description")).containsExactly("Undelivered Message Headers");
        String headers = text(returned);
        assertThat(headers).contains("Subject: lunch").contains("From: alice@client.example").doesNotContain("see you at noon");
    }

    @Test
    void anOriginalLargerThanBounceSizeLimitReturnsOnlyTheHeaders() throws Exception {
        Mail original = original("alice@client.example", dsn -> dsn);
        long size = original.getMessageSize();

        Mail small = single(notifier("bounce_size_limit = " + (size - 1)).nonDelivery(original, QID, List.of(bounced(bob))));
        Mail fits = single(notifier("bounce_size_limit = " + size).nonDelivery(original, QID, List.of(bounced(bob))));

        assertThat(baseType(parts(small).getBodyPart(2))).isEqualTo("text/rfc822-headers");
        assertThat(text(parts(small).getBodyPart(2))).doesNotContain("see you at noon");
        assertThat(baseType(parts(fits).getBodyPart(2))).isEqualTo("message/rfc822");
    }

    @Test
    void notifyNeverLeavesARecipientOutAndNoNoticeWhenNoneIsLeft() throws Exception {
        Mail original = original("alice@client.example", dsn -> dsn
            .addRcptParameter(bob, RecipientDsnParameters.of(EnumSet.of(Notify.NEVER))));

        assertThat(notifier().nonDelivery(original, QID, List.of(bounced(bob)))).isEmpty();
        assertThat(notifier().delayWarning(original, QID, List.of(RecipientResult.deferred(bob, "4.4.1", "none", "x", NOW))))
            .isEmpty();
        assertThat(log).isEmpty();

        Mail notice = single(notifier().nonDelivery(original, QID, List.of(bounced(bob), bounced(carol))));
        List<InternetHeaders> report = report(parts(notice).getBodyPart(1));
        assertThat(report).hasSize(2);
        assertThat(field(report.get(1), "Final-Recipient")).isEqualTo("rfc822; carol@remote.example");
    }

    @Test
    void aFailedBounceIsDroppedWithALogLineUnlessNotifyClassesHas2bounce() throws Exception {
        Mail failedBounce = original("", dsn -> dsn);

        assertThat(notifier().nonDelivery(failedBounce, QID, List.of(bounced(bob)))).isEmpty();
        assertThat(log).containsExactly("Nov 28 21:00:00 mx postern/bounce[" + pid() + "]: " + QID
            + ": undeliverable bounce discarded: notify_classes has no 2bounce");
        log.clear();

        Mail notice = single(notifier("notify_classes = resource, software, 2bounce", "myorigin = example.com")
            .nonDelivery(failedBounce, QID, List.of(bounced(bob))));

        assertThat(notice.getMaybeSender().asString()).isEqualTo("double-bounce@example.com");
        assertThat(notice.getRecipients()).containsExactly(address("postmaster@example.com"));
        MimeMessage message = reparse(notice);
        assertThat(message.getSubject()).isEqualTo("Postmaster Copy: Undelivered Mail");
        assertThat(message.getHeader("To", null)).isEqualTo("postmaster@example.com");
        assertThat(field(report(parts(notice).getBodyPart(1)).get(0), "X-Postfix-Sender")).isEqualTo("rfc822;");
        assertThat(log).anySatisfy(line -> assertThat(line)
            .endsWith(QID + ": postmaster non-delivery notification: " + notice.getName()));
        assertThat(log).anySatisfy(line -> assertThat(line)
            .endsWith(notice.getName() + ": from=<double-bounce@example.com>, size=" + notice.getMessageSize()
                + ", nrcpt=1 (queue active)"));
    }

    @Test
    void aFailedPostmasterNoticeIsNeverNotified() throws Exception {
        Mail failedNotice = original("double-bounce@mx.example.com", dsn -> dsn);
        Notifier notifier = notifier("notify_classes = bounce, 2bounce, delay", "myorigin = mx.example.com");

        assertThat(notifier.nonDelivery(failedNotice, QID, List.of(bounced(bob)))).isEmpty();
        assertThat(notifier.delayWarning(failedNotice, QID, List.of(RecipientResult.deferred(bob, "4.4.1", "none", "x", NOW))))
            .isEmpty();
        assertThat(log).containsExactly("Nov 28 21:00:00 mx postern/bounce[" + pid() + "]: " + QID
            + ": undeliverable postmaster notification discarded");
    }

    @Test
    void notifyClassesBounceAndDelaySendThePostmasterAHeadersOnlyCopy() throws Exception {
        Mail original = original("alice@client.example", dsn -> dsn);
        Notifier notifier = notifier("notify_classes = bounce, delay", "bounce_notice_recipient = bounces@ops.example",
            "delay_notice_recipient = delays");

        List<Mail> bounces = notifier.nonDelivery(original, QID, List.of(bounced(bob)));
        List<Mail> delays = notifier.delayWarning(original, QID,
            List.of(RecipientResult.deferred(bob, "4.4.1", "none", "x", NOW)));

        assertThat(bounces).hasSize(2);
        assertThat(bounces.get(0).getRecipients()).containsExactly(alice);
        assertThat(baseType(parts(bounces.get(0)).getBodyPart(2))).isEqualTo("message/rfc822");
        Mail copy = bounces.get(1);
        assertThat(copy.getRecipients()).containsExactly(address("bounces@ops.example"));
        assertThat(copy.getMaybeSender().asString()).isEqualTo("double-bounce@mx.example.com");
        assertThat(reparse(copy).getSubject()).isEqualTo("Postmaster Copy: Undelivered Mail");
        assertThat(baseType(parts(copy).getBodyPart(2))).isEqualTo("text/rfc822-headers");
        assertThat(delays).hasSize(2);
        assertThat(delays.get(1).getRecipients()).containsExactly(address("delays@mx.example.com"));
        assertThat(reparse(delays.get(1)).getSubject()).isEqualTo("Postmaster Warning: Delayed Mail");
        assertThat(log).anySatisfy(line -> assertThat(line)
            .endsWith(QID + ": postmaster non-delivery notification: " + copy.getName()));
        assertThat(log).anySatisfy(line -> assertThat(line)
            .endsWith(QID + ": postmaster delay notification: " + delays.get(1).getName()));
        assertThat(List.of(bounces.get(0).getName(), copy.getName(), delays.get(0).getName(), delays.get(1).getName()))
            .doesNotHaveDuplicates();
    }

    @Test
    void withoutAnArrivalStampTheArrivalIsReadFromTheQueueId() throws Exception {
        Mail original = original("alice@client.example", dsn -> dsn);
        original.removeAttribute(MailAttributes.ARRIVAL);
        String queueId = String.format("%012X", (ARRIVAL.getEpochSecond() * 1_000_000L) & ((1L << 48) - 1));

        Mail notice = single(notifier().nonDelivery(original, queueId, List.of(bounced(bob))));

        InternetHeaders perMessage = report(parts(notice).getBodyPart(1)).get(0);
        assertThat(new MailDateFormat().parse(field(perMessage, "Arrival-Date")).toInstant()).isEqualTo(ARRIVAL);
        assertThat(field(perMessage, "X-Postfix-Queue-ID")).isEqualTo(queueId);
    }

    // ---- helpers

    private Notifier notifier(String... mainCf) throws Exception {
        List<String> lines = new ArrayList<>(List.of("myhostname = mx.example.com"));
        lines.addAll(Arrays.asList(mainCf));
        ComponentParameters parameters = ComponentParameters.of(MainCf.parse("main.cf", lines, Map.of()),
            name -> Optional.empty(), "NotifierTest");
        return Notifier.from(parameters, new QueueIdGenerator(CLOCK), new MailLog("postern", "mx.example.com", CLOCK, log::add),
            CLOCK);
    }

    private Mail original(String sender, java.util.function.UnaryOperator<DsnParameters.Builder> dsn) throws Exception {
        String raw = "From: alice@client.example\r\nTo: bob@remote.example, carol@remote.example\r\nSubject: lunch\r\n"
            + "Message-ID: <lunch@client.example>\r\n\r\nsee you at noon\r\n";
        MailImpl mail = MailImpl.builder().name(QID)
            .sender(sender.isEmpty() ? MaybeSender.nullSender() : MaybeSender.of(address(sender)))
            .addRecipients(bob, carol)
            .mimeMessage(new MimeMessage(SESSION, new ByteArrayInputStream(raw.getBytes(US_ASCII))))
            .build();
        dsn.apply(DsnParameters.builder()).build().ifPresent(mail::setDsnParameters);
        MessageTimes.stamp(mail, ARRIVAL, ARRIVAL.plusSeconds(1));
        return mail;
    }

    private static RecipientResult bounced(MailAddress recipient) {
        return RecipientResult.bounced(recipient, "5.1.1", "none", "unknown user: \"" + recipient.getLocalPart() + "\"", NOW);
    }

    private static Mail single(List<Mail> notices) {
        assertThat(notices).hasSize(1);
        return notices.get(0);
    }

    /** The notice as its reader sees it: written out and parsed from the bytes. */
    private static MimeMessage reparse(Mail notice) throws Exception {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        notice.getMessage().writeTo(bytes);
        return new MimeMessage(SESSION, new ByteArrayInputStream(bytes.toByteArray()));
    }

    private static MimeMultipart parts(Mail notice) throws Exception {
        return (MimeMultipart) reparse(notice).getContent();
    }

    private static String baseType(BodyPart part) throws Exception {
        return new ContentType(part.getContentType()).getBaseType();
    }

    private static String text(BodyPart part) throws Exception {
        try (InputStream in = part.getInputStream()) {
            return new String(in.readAllBytes(), US_ASCII);
        }
    }

    /** RFC 3464's groups of fields, each read as headers are. */
    private static List<InternetHeaders> report(BodyPart part) throws Exception {
        byte[] bytes;
        try (InputStream in = part.getInputStream()) {
            bytes = in.readAllBytes();
        }
        ByteArrayInputStream in = new ByteArrayInputStream(bytes);
        List<InternetHeaders> groups = new ArrayList<>();
        while (in.available() > 0) {
            groups.add(new InternetHeaders(in));
        }
        return groups;
    }

    private static String field(InternetHeaders group, String name) {
        String[] values = group.getHeader(name);
        assertThat(values).as("field %s", name).isNotNull().hasSize(1);
        return values[0].trim();
    }

    private static long pid() {
        return ProcessHandle.current().pid();
    }

    private static MailAddress address(String text) {
        try {
            return new MailAddress(text);
        } catch (javax.mail.internet.AddressException e) {
            throw new IllegalArgumentException(e);
        }
    }
}
