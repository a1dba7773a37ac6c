package dev.postern.app.queue;

import static java.nio.charset.StandardCharsets.US_ASCII;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;

import javax.mail.MessagingException;
import javax.mail.internet.MimeMessage;

import org.apache.james.server.core.MailImpl;
import org.apache.james.server.core.MimeMessageSource;
import org.apache.james.server.core.MimeMessageWrapper;
import org.apache.mailet.Mail;

/** Mails built the way James's SMTP server builds them: the received bytes behind a MimeMessageWrapper. */
final class TestMails {
    static final String MESSAGE_TEXT = "Return-Path: <alice@example.com>\r\n"
        + "Received: from client.example.com ([192.0.2.1])\r\n"
        + "\tby mx.example.net with ESMTP id 3F2A1B4C5D\r\n"
        + "From: Alice <alice@example.com>\r\n"
        + "To: bob@example.net\r\n"
        + "Subject: queued\r\n"
        + "Message-ID: <1@example.com>\r\n"
        + "\r\n"
        + "First line of the body.\r\n"
        + "A line with trailing blanks   \r\n"
        + "\r\n"
        + "Last line, no final newline";

    private TestMails() {
    }

    static byte[] message(String body) {
        return (MESSAGE_TEXT + "\r\n" + body).getBytes(US_ASCII);
    }

    /** Received bytes behind a MimeMessageWrapper, as SMTP hands them to the queue (in memory, nothing to dispose). */
    static MimeMessageWrapper mimeMessage(byte[] bytes) {
        return new MimeMessageWrapper(new MimeMessageSource() {
            @Override
            public String getSourceId() {
                return "test-" + System.identityHashCode(bytes);
            }

            @Override
            public InputStream getInputStream() {
                return new ByteArrayInputStream(bytes);
            }

            @Override
            public long getMessageSize() {
                return bytes.length;
            }
        });
    }

    static MailImpl mail(String name, byte[] bytes) throws MessagingException {
        MailImpl mail = MailImpl.builder()
            .name(name)
            .sender("alice@example.com")
            .addRecipients("bob@example.net", "carol@example.org")
            .build();
        mail.setMessageNoCopy(mimeMessage(bytes));
        return mail;
    }

    static MailImpl mail(String name) throws MessagingException {
        return mail(name, message(name));
    }

    static byte[] bytesOf(MimeMessage message) throws IOException, MessagingException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        message.writeTo(out);
        return out.toByteArray();
    }

    /** The bytes a consumer reads: the raw stream James's delivery code sends. */
    static byte[] rawBytesOf(Mail mail) throws IOException, MessagingException {
        try (InputStream in = ((MimeMessageWrapper) mail.getMessage()).getMessageInputStream()) {
            return in.readAllBytes();
        }
    }
}
