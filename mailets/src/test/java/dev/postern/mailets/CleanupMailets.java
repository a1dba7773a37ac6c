package dev.postern.mailets;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;

import javax.mail.MessagingException;
import javax.mail.Session;
import javax.mail.internet.MimeMessage;

import org.apache.james.core.MaybeSender;
import org.apache.james.server.core.MailImpl;
import org.apache.mailet.base.test.FakeMail;
import org.apache.mailet.base.test.FakeMailetConfig;

import dev.postern.PosternEnvironment;
import dev.postern.config.MainCf;
import dev.postern.log.MailLog;

/** Test fixture for the cleanup mailets: main.cf lines, a recorded mail log and context, fake mails. */
final class CleanupMailets {
    static final String QID = "3F2A1B4C5D6E";
    static final Instant NOW = Instant.parse("2024-01-02T03:04:05Z");
    static final String LOG_PREFIX = "Jan  2 03:04:05 mx postern/qmgr[" + ProcessHandle.current().pid() + "]: " + QID + ": ";

    final Clock clock = Clock.fixed(NOW, ZoneOffset.UTC);
    final List<String> log = new ArrayList<>();
    final RecordingMailetContext context = new RecordingMailetContext();

    PosternEnvironment environment(String... lines) throws Exception {
        List<String> all = new ArrayList<>(List.of("myhostname = mx.example", "mydomain = example",
            "mydestination = $myhostname, localhost", "inet_interfaces = loopback-only", "recipient_delimiter = +"));
        all.addAll(List.of(lines));
        return new PosternEnvironment(MainCf.parse("main.cf", all, Map.of()), new MailLog("postern", "mx.example", clock, log::add));
    }

    <T extends CleanupMailet> T init(T mailet, String name, String... parameters) throws MessagingException {
        FakeMailetConfig.Builder config = FakeMailetConfig.builder().mailetName(name).mailetContext(context.context());
        for (int i = 0; i < parameters.length; i += 2) {
            config.setProperty(parameters[i], parameters[i + 1]);
        }
        mailet.init(config.build());
        return mailet;
    }

    static FakeMail mail(String raw, String sender, String... recipients) throws MessagingException {
        return FakeMail.builder().name(QID).mimeMessage(new TrackedMessage(raw)).recipients(recipients)
            .sender(sender == null ? MaybeSender.nullSender() : MaybeSender.getMailSender(sender)).build();
    }

    /**
     * James's own mail class, for tests where the envelope sender changes: the mailet API has no
     * setter for it and FakeMail has none either.
     */
    static MailImpl jamesMail(String raw, String sender, String... recipients) throws MessagingException {
        return MailImpl.builder().name(QID).sender(MaybeSender.getMailSender(sender)).addRecipients(recipients)
            .mimeMessage(new TrackedMessage(raw)).build();
    }

    static String text(MimeMessage message) throws IOException, MessagingException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        message.writeTo(out);
        return out.toString(StandardCharsets.UTF_8);
    }

    /** A message that counts the changes made to it, to prove an unchanged mail was not touched. */
    static final class TrackedMessage extends MimeMessage {
        int changes;

        TrackedMessage(String raw) throws MessagingException {
            super(Session.getInstance(new Properties()), stream(raw));
        }

        private static InputStream stream(String raw) {
            return new ByteArrayInputStream(raw.getBytes(StandardCharsets.UTF_8));
        }

        @Override
        public void setHeader(String name, String value) throws MessagingException {
            changes++;
            super.setHeader(name, value);
        }

        @Override
        public void addHeader(String name, String value) throws MessagingException {
            changes++;
            super.addHeader(name, value);
        }

        @Override
        public void removeHeader(String name) throws MessagingException {
            changes++;
            super.removeHeader(name);
        }

        @Override
        public void saveChanges() throws MessagingException {
            changes++;
            super.saveChanges();
        }
    }
}
