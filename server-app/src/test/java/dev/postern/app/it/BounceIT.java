package dev.postern.app.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import javax.mail.internet.MimeMessage;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import dev.postern.app.harness.Await;
import dev.postern.app.harness.DeliveryLogLine;
import dev.postern.app.harness.PosternExtension;
import dev.postern.app.harness.PosternProcess;
import dev.postern.app.harness.SmtpClient;
import dev.postern.app.harness.ClientReply;
import dev.postern.app.harness.TestMessages;
import dev.postern.testing.smtp.SinkMessage;
import dev.postern.testing.smtp.SmtpSink;

/**
 * Bounces end to end: a next hop refusing a recipient with {@code 550 5.1.1} makes an RFC 3464
 * non-delivery report that reaches the sender's domain (another sink), checked field by field; a
 * bounce that cannot be delivered either is a double bounce, which goes to the postmaster only when
 * {@code notify_classes} has {@code 2bounce} and never starts a loop; DSN {@code NOTIFY=NEVER} silences
 * the bounce and {@code NOTIFY=SUCCESS} asks for a delivery report.
 */
class BounceIT {
    private static final String H = "mx.bounce-it.test";
    private static final String SENDER = "alice@sender.test";
    /** 2bounce_notice_recipient: a remote postmaster, so that a sink can receive (and refuse) double bounces. */
    private static final String POSTMASTER = "postmaster@admin.test";
    private static final Duration WAIT = Duration.ofSeconds(60);
    private static final Pattern NOTIFICATION = Pattern.compile(
        ": ([0-9A-F]{10,12}): (sender|postmaster) (non-delivery|delivery status) notification: ([0-9A-F]{10,12})$");
    private static final DateTimeFormatter REPORT_DATE = DateTimeFormatter.ofPattern("EEE, d MMM yyyy HH:mm:ss Z", Locale.US);

    @RegisterExtension
    final PosternExtension postern = new PosternExtension();

    /** Refuses every recipient as Postfix's smtpd does an unknown user. */
    private SmtpSink refusingSink() {
        return postern.newSink().setRcptReply(recipient -> "550 5.1.1 <" + recipient + ">: no such user");
    }

    private PosternProcess server(SmtpSink refusing, SmtpSink senders, String... moreRoutes) {
        StringBuilder transport = new StringBuilder()
            .append("fail.test      smtp:").append(refusing.relayhost()).append('\n')
            .append("dead.test      smtp:").append(refusing.relayhost()).append('\n')
            .append("sender.test    smtp:").append(senders.relayhost()).append('\n');
        for (String route : moreRoutes) {
            transport.append(route).append('\n');
        }
        return postern.newServer().myhostname(H)
            .parameter("transport_maps", "texthash:conf/transport")
            .writeConfFile("transport", transport.toString());
    }

    @Test
    void aRefusedRecipientBouncesAnRfc3464ReportToTheSender() throws Exception {
        SmtpSink refusing = refusingSink();
        SmtpSink senders = postern.newSink();
        PosternProcess server = server(refusing, senders).start();

        Instant before = Instant.now().truncatedTo(ChronoUnit.SECONDS);
        String queueId = TransportMapsIT.send(server, SENDER, List.of("bob@fail.test"), "bounce-1");

        DeliveryLogLine failure = TransportMapsIT.awaitLine(server, "bob@fail.test");
        assertThat(failure.queueId()).isEqualTo(queueId);
        assertThat(failure.status()).isEqualTo("bounced");
        assertThat(failure.dsn()).isEqualTo("5.1.1");
        assertThat(failure.relay()).isEqualTo("127.0.0.1[127.0.0.1]:" + refusing.port());
        assertThat(failure.text()).isEqualTo(
            "host 127.0.0.1[127.0.0.1] said: 550 5.1.1 <bob@fail.test>: no such user (in reply to RCPT TO command)");

        SinkMessage received = senders.awaitMessages(1, WAIT).get(0);
        assertThat(received.sender()).as("a bounce has the null sender").isEmpty();
        assertThat(received.recipients()).containsExactly(SENDER);

        String noticeId = notificationOf(server, queueId, "sender non-delivery");
        DeliveryLogLine noticeDelivery = TransportMapsIT.awaitLine(server, SENDER);
        assertThat(noticeDelivery.queueId()).as("the bounce is a message of its own").isEqualTo(noticeId);
        assertThat(noticeDelivery.status()).isEqualTo("sent");
        assertThat(noticeDelivery.relay()).isEqualTo("127.0.0.1[127.0.0.1]:" + senders.port());

        ReceivedReport report = ReceivedReport.parse(received);
        assertThat(report.header("From")).isEqualTo("MAILER-DAEMON@" + H + " (Mail Delivery System)");
        assertThat(report.header("To")).isEqualTo(SENDER);
        assertThat(report.header("Subject")).isEqualTo("Undelivered Mail Returned to Sender");
        assertThat(report.header("Auto-Submitted")).isEqualTo("auto-replied");
        assertThat(report.header("Message-ID")).contains(noticeId);
        assertThat(report.message().getContentType()).startsWith("multipart/report")
            .containsIgnoringCase("report-type=delivery-status");
        assertThat(report.parts()).hasSize(3);
        assertThat(report.parts().get(0).isMimeType("text/plain")).isTrue();
        String explanation = ReceivedReport.text(report.parts().get(0)).replace("\r\n", "\n");
        assertThat(explanation)
            .contains("This is the Postern program at host " + H + ".")
            .contains("your message could not\nbe delivered to one or more recipients");
        assertThat(explanation.replace("\n    ", " ")).as("the recipient's paragraph, unwrapped")
            .contains("\n<bob@fail.test>: host 127.0.0.1[127.0.0.1] said: 550 5.1.1 <bob@fail.test>: no such user"
                + " (in reply to RCPT TO command)\n");
        assertThat(report.parts().get(1).isMimeType("message/delivery-status")).isTrue();
        assertThat(report.parts().get(2).isMimeType("message/rfc822")).isTrue();

        Map<String, String> perMessage = report.messageFields();
        assertThat(perMessage.get("Reporting-MTA")).isEqualTo("dns; " + H);
        assertThat(perMessage.get("X-Postfix-Queue-ID")).isEqualTo(queueId);
        assertThat(perMessage.get("X-Postfix-Sender")).isEqualTo("rfc822; " + SENDER);
        Instant arrival = ZonedDateTime.parse(perMessage.get("Arrival-Date").replaceFirst(" \\([^)]*\\)$", ""), REPORT_DATE)
            .toInstant();
        assertThat(arrival).as("Arrival-Date %s", perMessage.get("Arrival-Date"))
            .isBetween(before, Instant.now());
        assertThat(report.recipientFields()).hasSize(1);
        Map<String, String> recipient = report.recipientFields().get(0);
        assertThat(recipient.get("Final-Recipient")).isEqualTo("rfc822; bob@fail.test");
        assertThat(recipient.get("Action")).isEqualTo("failed");
        assertThat(recipient.get("Status")).isEqualTo("5.1.1");
        assertThat(recipient.get("Remote-MTA")).isEqualTo("dns; 127.0.0.1");
        assertThat(recipient.get("Diagnostic-Code")).isEqualTo("smtp; 550 5.1.1 <bob@fail.test>: no such user");

        MimeMessage returned = report.returnedMessage();
        assertThat(returned.getSubject()).isEqualTo("postern-it token bounce-1");
        assertThat(returned.getMessageID()).isEqualTo("<bounce-1@it.postern.test>");
        assertThat(returned.getHeader("Received", null)).as("the message as queued").contains(queueId);
        assertThat(ReceivedReport.text(report.parts().get(2))).contains("hello bounce-1");

        // Without 2bounce in notify_classes (the default), a bounce that cannot be delivered is dropped.
        String deadId = TransportMapsIT.send(server, "carol@dead.test", List.of("bob@fail.test"), "bounce-2");
        String deadNotice = notificationOf(server, deadId, "sender non-delivery");
        server.awaitMaillogLine("the undeliverable bounce dropped", WAIT,
            line -> line.endsWith(": " + deadNotice + ": undeliverable bounce discarded: notify_classes has no 2bounce"));
        Await.holdsFor("no more notifications, no more mail", Duration.ofSeconds(3),
            () -> notifications(server).size() == 2 && senders.messageCount() == 1 && refusing.messageCount() == 0);
    }

    @Test
    void anUndeliverableBounceGoesToThePostmasterWith2bounceAndNeverLoops() throws Exception {
        SmtpSink refusing = refusingSink();
        SmtpSink senders = postern.newSink();
        SmtpSink postmaster = postern.newSink();
        PosternProcess server = server(refusing, senders, POSTMASTER + "   smtp:" + postmaster.relayhost())
            .parameter("notify_classes", "resource, software, 2bounce")
            .parameter("2bounce_notice_recipient", POSTMASTER)
            .start();

        String queueId = TransportMapsIT.send(server, "carol@dead.test", List.of("bob@fail.test"), "double-1");
        String bounceId = notificationOf(server, queueId, "sender non-delivery");
        DeliveryLogLine bounceFailure = TransportMapsIT.awaitLine(server, "carol@dead.test");
        assertThat(bounceFailure.queueId()).isEqualTo(bounceId);
        assertThat(bounceFailure.status()).isEqualTo("bounced");
        String doubleId = notificationOf(server, bounceId, "postmaster non-delivery");

        SinkMessage received = postmaster.awaitMessages(1, WAIT).get(0);
        assertThat(received.recipients()).containsExactly(POSTMASTER);
        assertThat(received.sender()).as("from double_bounce_sender, so that its own failure ends the chain")
            .isEqualTo("double-bounce@" + H);
        ReceivedReport report = ReceivedReport.parse(received);
        assertThat(report.header("To")).isEqualTo(POSTMASTER);
        assertThat(report.header("Message-ID")).contains(doubleId);
        assertThat(report.messageFields().get("X-Postfix-Queue-ID")).isEqualTo(bounceId);
        assertThat(report.messageFields().get("X-Postfix-Sender")).isEqualTo("rfc822;");
        assertThat(report.recipientFields()).hasSize(1);
        assertThat(report.recipientFields().get(0).get("Final-Recipient")).isEqualTo("rfc822; carol@dead.test");
        assertThat(report.recipientFields().get(0).get("Status")).isEqualTo("5.1.1");
        DeliveryLogLine doubleDelivery = TransportMapsIT.awaitLine(server, POSTMASTER);
        assertThat(doubleDelivery.queueId()).isEqualTo(doubleId);
        assertThat(doubleDelivery.status()).isEqualTo("sent");

        // The postmaster refuses too: the double bounce's own failure is dropped, nothing more is made.
        postmaster.setRcptReply("550 5.2.1 <" + POSTMASTER + ">: mailbox disabled");
        String secondId = TransportMapsIT.send(server, "carol@dead.test", List.of("bob@fail.test"), "double-2");
        String secondBounce = notificationOf(server, secondId, "sender non-delivery");
        String secondDouble = notificationOf(server, secondBounce, "postmaster non-delivery");
        server.awaitMaillogLine("the undeliverable double bounce dropped", WAIT,
            line -> line.endsWith(": " + secondDouble + ": undeliverable postmaster notification discarded"));
        Await.holdsFor("no loop: four notifications in all, one message at the postmaster", Duration.ofSeconds(3),
            () -> notifications(server).size() == 4 && postmaster.messageCount() == 1 && refusing.messageCount() == 0
                && senders.messageCount() == 0);
    }

    @Test
    void notifyNeverSilencesTheBounceAndNotifySuccessAsksForADeliveryReport() throws Exception {
        SmtpSink refusing = refusingSink();
        SmtpSink senders = postern.newSink();
        SmtpSink accepting = postern.newSink();
        PosternProcess server = server(refusing, senders, "ok.test     smtp:" + accepting.relayhost()).start();

        String neverId = sendWithNotify(server, "bob@fail.test", "NEVER", "never-1");
        DeliveryLogLine failure = TransportMapsIT.awaitLine(server, "bob@fail.test");
        assertThat(failure.queueId()).isEqualTo(neverId);
        assertThat(failure.status()).isEqualTo("bounced");

        String successId = sendWithNotify(server, "carol@ok.test", "SUCCESS", "success-1");
        SinkMessage delivered = accepting.awaitMessages(1, WAIT).get(0);
        assertThat(delivered.recipients()).containsExactly("carol@ok.test");
        SinkMessage received = senders.awaitMessages(1, WAIT).get(0);
        assertThat(received.recipients()).containsExactly(SENDER);
        assertThat(received.sender()).isEmpty();
        String noticeId = notificationOf(server, successId, "sender delivery status");

        ReceivedReport report = ReceivedReport.parse(received);
        assertThat(report.header("Subject")).isEqualTo("Successful Mail Delivery Report");
        assertThat(report.header("Message-ID")).contains(noticeId);
        assertThat(report.messageFields().get("X-Postfix-Queue-ID")).isEqualTo(successId);
        assertThat(report.recipientFields()).hasSize(1);
        Map<String, String> recipient = report.recipientFields().get(0);
        assertThat(recipient.get("Final-Recipient")).isEqualTo("rfc822; carol@ok.test");
        assertThat(recipient.get("Action")).isEqualTo("delivered");
        assertThat(recipient.get("Status")).isEqualTo("2.0.0");
        assertThat(recipient.get("Remote-MTA")).isEqualTo("dns; 127.0.0.1");
        assertThat(recipient.get("Diagnostic-Code")).startsWith("smtp; 250 2.0.0 Ok: queued as SINK");
        assertThat(report.parts().get(2).isMimeType("text/rfc822-headers")).as("a success report returns headers only")
            .isTrue();

        Await.holdsFor("NOTIFY=NEVER: no bounce for the first message", Duration.ofSeconds(2),
            () -> senders.messageCount() == 1);
        assertThat(notifications(server)).as("only the success report was made").hasSize(1);
    }

    private static String sendWithNotify(PosternProcess server, String recipient, String notify, String token) {
        try (SmtpClient client = server.connect()) {
            client.ehlo("client.example");
            assertThat(client.mailFrom(SENDER).code()).isEqualTo(250);
            assertThat(client.command("RCPT TO:<" + recipient + "> NOTIFY=" + notify).full()).isEqualTo("250 2.1.5 Ok");
            ClientReply end = client.data(TestMessages.withToken(SENDER, recipient, token, "hello " + token + "\r\n"));
            client.quit();
            assertThat(end.full()).matches("250 2\\.0\\.0 Ok: queued as [0-9A-F]{10,12}");
            return end.full().substring(end.full().lastIndexOf(' ') + 1);
        }
    }

    /** Waits for {@code QID: KIND notification: NOTICE_ID} and returns the notice's queue ID. */
    private static String notificationOf(PosternProcess server, String queueId, String kind) {
        String line = server.awaitMaillogLine(kind + " notification of " + queueId, WAIT,
            candidate -> candidate.contains(": " + queueId + ": " + kind + " notification: "));
        Matcher m = NOTIFICATION.matcher(line);
        assertThat(m.find()).as(line).isTrue();
        assertThat(m.group(4)).as("a notice has a queue ID of its own").isNotEqualTo(queueId);
        return m.group(4);
    }

    private static List<String> notifications(PosternProcess server) {
        return server.maillogLines().stream().filter(line -> NOTIFICATION.matcher(line).find()).toList();
    }
}
