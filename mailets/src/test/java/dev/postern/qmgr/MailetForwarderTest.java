package dev.postern.qmgr;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;

import javax.mail.MessagingException;
import javax.mail.Session;
import javax.mail.internet.MimeMessage;

import org.apache.james.core.MailAddress;
import org.apache.james.core.MaybeSender;
import org.apache.mailet.Mail;
import org.apache.mailet.base.test.FakeMail;
import org.junit.jupiter.api.Test;

import dev.postern.log.MailLog;
import dev.postern.mailets.RecordingMailetContext;
import dev.postern.queue.QueueIdGenerator;

class MailetForwarderTest {
    private static final Instant NOW = Instant.parse("2024-01-02T03:04:05Z");
    private static final String RAW = "Subject: hi\r\nMessage-ID: <1@example.net>\r\n\r\nbody\r\n";

    private final Clock clock = Clock.fixed(NOW, ZoneOffset.UTC);
    private final List<String> log = new ArrayList<>();
    private final RecordingMailetContext context = new RecordingMailetContext();
    private final MailetForwarder forwarder = new MailetForwarder(context::context, new QueueIdGenerator(clock),
        new MailLog("postern", "mx", clock, log::add), clock);

    @Test
    void theCopyIsANewMessageToTheRootProcessorWithTheHeadersPrepended() throws Exception {
        Mail original = FakeMail.builder().name("3F2A1B4C5D6E").mimeMessage(message())
            .sender("alice@example.net").recipient("team@localhost").build();

        String newId = forwarder.forward(original, "3F2A1B4C5D6E", MaybeSender.getMailSender("owner-team@mx"),
            List.of(new MailAddress("x@remote.example"), new MailAddress("y@remote.example")),
            "Delivered-To: team@localhost\r\n".getBytes(StandardCharsets.UTF_8));

        assertThat(newId).matches("[0-9A-F]{12}").isNotEqualTo("3F2A1B4C5D6E");
        assertThat(context.sent).hasSize(1);
        Mail copy = context.sent.get(0).mail();
        assertThat(copy.getName()).isEqualTo(newId);
        assertThat(context.sent.get(0).processor()).isEqualTo(Mail.DEFAULT);
        assertThat(copy.getMaybeSender()).isEqualTo(MaybeSender.getMailSender("owner-team@mx"));
        assertThat(copy.getRecipients()).containsExactly(new MailAddress("x@remote.example"),
            new MailAddress("y@remote.example"));
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        copy.getMessage().writeTo(bytes);
        assertThat(bytes.toString(StandardCharsets.UTF_8)).isEqualTo("Delivered-To: team@localhost\r\n" + RAW);
        assertThat(original.getRecipients()).containsExactly(new MailAddress("team@localhost"));
        assertThat(log).anyMatch(line -> line.endsWith(newId + ": message-id=<1@example.net>"))
            .anyMatch(line -> line.contains(newId + ": from=<owner-team@mx>, size=") && line.endsWith(", nrcpt=2 (queue active)"));
    }

    @Test
    void aFullSpoolIsReportedToTheCourier() throws Exception {
        context.failing = true;
        Mail original = FakeMail.builder().name("3F2A1B4C5D6E").mimeMessage(message()).sender("a@example.net")
            .recipient("team@localhost").build();

        assertThatThrownBy(() -> forwarder.forward(original, "3F2A1B4C5D6E", original.getMaybeSender(),
            List.of(new MailAddress("x@remote.example")), new byte[0]))
            .isInstanceOf(MessagingException.class).hasMessage("spool full");
    }

    private static MimeMessage message() throws MessagingException {
        return new MimeMessage(Session.getInstance(new Properties()), new ByteArrayInputStream(RAW.getBytes(StandardCharsets.UTF_8)));
    }
}
