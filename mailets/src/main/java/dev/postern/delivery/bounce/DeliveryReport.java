package dev.postern.delivery.bounce;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.Collections;
import java.util.Locale;
import java.util.Optional;

import javax.activation.DataHandler;
import javax.mail.MessagingException;
import javax.mail.Session;
import javax.mail.internet.ContentType;
import javax.mail.internet.MimeBodyPart;
import javax.mail.internet.MimeMessage;
import javax.mail.internet.MimeMultipart;
import javax.mail.util.ByteArrayDataSource;

import org.apache.james.core.MailAddress;
import org.apache.mailet.DsnParameters;
import org.apache.mailet.Mail;

import dev.postern.delivery.RecipientResult;

/**
 * Writes one RFC 3464 notification as Postfix's bounce daemon does: a {@code multipart/report} of a
 * human explanation in Postfix's wording, the {@code message/delivery-status} report, and the
 * original message ({@code message/rfc822}) or its headers ({@code text/rfc822-headers}).
 */
final class DeliveryReport {
    /** RFC 5322 date-time, as in Date: and the report's date fields. */
    private static final DateTimeFormatter RFC_822 = DateTimeFormatter.ofPattern("EEE, d MMM yyyy HH:mm:ss Z", Locale.US);
    private static final DateTimeFormatter MESSAGE_ID_TIME = DateTimeFormatter.ofPattern("yyyyMMddHHmmss", Locale.US);
    private static final DateTimeFormatter ZONE_NAME = DateTimeFormatter.ofPattern("zzz", Locale.US);
    private static final int WRAP_COLUMNS = 76;
    private static final String INDENT = "    ";
    private static final String SIGNATURE = "                   The mail system\n";

    private final NotifierSettings settings;
    private final ZoneId zone;

    DeliveryReport(NotifierSettings settings, ZoneId zone) {
        this.settings = settings;
        this.zone = zone;
    }

    MimeMessage write(ReportRequest request) throws MessagingException, IOException {
        MimeMessage message = new FixedIdMessage();
        message.setHeader("From", "MAILER-DAEMON@" + settings.myhostname() + " (Mail Delivery System)");
        message.setHeader("Subject", request.kind().subject(request.postmasterCopy()));
        message.setHeader("To", request.to().asString());
        message.setHeader("Auto-Submitted", "auto-replied");
        message.setHeader("Date", date(request.now()));
        message.setHeader("Message-ID", "<" + MESSAGE_ID_TIME.format(request.now().atZone(zone)) + "."
            + request.notificationId() + "@" + settings.myhostname() + ">");

        MimeMultipart report = new ReportMultipart();
        report.addBodyPart(part(explanation(request), "text/plain; charset=us-ascii", "Notification"));
        report.addBodyPart(part(status(request), "message/delivery-status", "Delivery report"));
        report.addBodyPart(original(request));
        message.setContent(report);
        message.saveChanges();
        return message;
    }

    /** Part 1: Postfix's template text, then one paragraph per recipient. */
    private String explanation(ReportRequest request) {
        StringBuilder text = new StringBuilder();
        text.append("This is the ").append(settings.mailName()).append(" program at host ")
            .append(settings.myhostname()).append(".\n\n");
        switch (request.kind()) {
            case FAILURE -> text.append("I'm sorry to have to inform you that your message could not\n")
                .append("be delivered to one or more recipients. It's attached below.\n\n")
                .append("For further assistance, please send mail to postmaster.\n\n")
                .append("If you do so, please include this problem report. You can\n")
                .append("delete your own text from the attached returned message.\n\n");
            case DELAY -> text.append("####################################################################\n")
                .append("# THIS IS A WARNING ONLY.  YOU DO NOT NEED TO RESEND YOUR MESSAGE. #\n")
                .append("####################################################################\n\n")
                .append("Your message could not be delivered for more than ")
                .append(span(settings.delayWarningTime())).append(".\n")
                .append("It will be retried until it is ").append(span(settings.maximalQueueLifetime()))
                .append(" old.\n\n")
                .append("For further assistance, please send mail to postmaster.\n\n")
                .append("If you do so, please include this problem report. You can\n")
                .append("delete your own text from the attached returned message.\n\n");
            case SUCCESS -> text.append("Your message was successfully delivered to the destination(s)\n")
                .append("listed below. If the message was delivered to mailbox you will\n")
                .append("receive no further notifications. Otherwise you may still receive\n")
                .append("notifications of mail delivery errors from other systems.\n\n");
        }
        text.append(SIGNATURE);
        for (RecipientResult result : request.results()) {
            StringBuilder paragraph = new StringBuilder("<").append(result.recipient().asString()).append('>');
            originalRecipient(request.original(), result.recipient())
                .filter(orcpt -> !orcpt.equals(result.recipient()))
                .ifPresent(orcpt -> paragraph.append(" (expanded from <").append(orcpt.asString()).append(">)"));
            paragraph.append(": ");
            if (request.kind() == NoticeKind.SUCCESS && !result.relay().equals("none")) {
                paragraph.append("delivery via ").append(result.relay()).append(": ");
            }
            paragraph.append(result.text());
            text.append('\n').append(wrap(paragraph.toString())).append('\n');
        }
        return text.toString();
    }

    /** Part 2: the per-message fields, then one group of fields per recipient. */
    private String status(ReportRequest request) {
        Mail original = request.original();
        Optional<DsnParameters> dsn = original.dsnParameters();
        StringBuilder fields = new StringBuilder();
        fields.append("Reporting-MTA: dns; ").append(settings.myhostname()).append('\n');
        fields.append("X-Postfix-Queue-ID: ").append(request.queueId()).append('\n');
        fields.append("X-Postfix-Sender: rfc822; ").append(original.getMaybeSender().asString("")).append('\n');
        fields.append("Arrival-Date: ").append(date(request.arrival())).append('\n');
        dsn.flatMap(DsnParameters::getEnvIdParameter)
            .ifPresent(envId -> fields.append("Original-Envelope-Id: ")
                .append(DsnParameters.XText.decode(envId.asString())).append('\n'));
        for (RecipientResult result : request.results()) {
            fields.append('\n');
            fields.append("Final-Recipient: rfc822; ").append(result.recipient().asString()).append('\n');
            originalRecipient(original, result.recipient())
                .ifPresent(orcpt -> fields.append("Original-Recipient: rfc822; ").append(orcpt.asString()).append('\n'));
            fields.append("Action: ").append(request.kind().action()).append('\n');
            fields.append("Status: ").append(result.dsn()).append('\n');
            result.remoteMta().ifPresent(host -> fields.append("Remote-MTA: dns; ").append(host).append('\n'));
            fields.append("Diagnostic-Code: ").append(result.diagnostic().orElse("X-Postfix; " + result.text())).append('\n');
            if (request.kind() == NoticeKind.DELAY) {
                fields.append("Will-Retry-Until: ")
                    .append(date(request.arrival().plus(settings.maximalQueueLifetime()))).append('\n');
            }
        }
        return fields.toString();
    }

    /** Part 3: the original, or its headers only. */
    private MimeBodyPart original(ReportRequest request) throws MessagingException, IOException {
        MimeMessage original = request.original().getMessage();
        if (request.returnFull()) {
            ByteArrayOutputStream bytes = new ByteArrayOutputStream();
            original.writeTo(bytes);
            return part(bytes.toByteArray(), "message/rfc822", "Undelivered Message");
        }
        StringBuilder headers = new StringBuilder();
        for (String line : Collections.list(original.getAllHeaderLines())) {
            headers.append(line).append("\r\n");
        }
        return part(headers.toString().getBytes(StandardCharsets.UTF_8), "text/rfc822-headers",
            request.kind() == NoticeKind.FAILURE ? "Undelivered Message Headers" : "Message Headers");
    }

    private static Optional<MailAddress> originalRecipient(Mail original, MailAddress recipient) {
        return original.dsnParameters()
            .map(dsn -> dsn.getRcptParameters().get(recipient))
            .flatMap(DsnParameters.RecipientDsnParameters::getOrcptParameter);
    }

    private static MimeBodyPart part(String text, String type, String description) throws MessagingException {
        return part(text.replace("\n", "\r\n").getBytes(StandardCharsets.US_ASCII), type, description);
    }

    private static MimeBodyPart part(byte[] content, String type, String description) throws MessagingException {
        MimeBodyPart part = new MimeBodyPart();
        part.setDataHandler(new DataHandler(new ByteArrayDataSource(content, type)));
        part.setHeader("Content-Description", description);
        part.setHeader("Content-Type", type);
        return part;
    }

    /** {@code Sat, 28 Nov 2026 21:00:00 +0000 (UTC)}, the zone's name as a comment, as Postfix writes dates. */
    private String date(Instant instant) {
        ZonedDateTime time = instant.atZone(zone);
        String name = zone instanceof ZoneOffset offset
            ? (offset.getTotalSeconds() == 0 ? "UTC" : "")
            : ZONE_NAME.format(time);
        return RFC_822.format(time) + (name.isEmpty() ? "" : " (" + name + ")");
    }

    /**
     * Postfix wraps each recipient's paragraph at 76 columns, continuation lines indented by four
     * spaces, so that a long remote reply stays readable and within mail's line length.
     */
    static String wrap(String paragraph) {
        StringBuilder wrapped = new StringBuilder();
        int column = 0;
        for (String word : paragraph.split(" ")) {
            if (column > 0 && column + 1 + word.length() > WRAP_COLUMNS) {
                wrapped.append('\n').append(INDENT);
                column = INDENT.length();
            } else if (column > 0) {
                wrapped.append(' ');
                column++;
            }
            wrapped.append(word);
            column += word.length();
        }
        return wrapped.toString();
    }

    /** {@code 4 hour(s)}, {@code 5 day(s)}: Postfix's wording of the delay parameters. */
    static String span(Duration duration) {
        long seconds = duration.toSeconds();
        if (seconds >= 86_400 && seconds % 86_400 == 0) {
            return seconds / 86_400 + " day(s)";
        }
        if (seconds >= 3_600 && seconds % 3_600 == 0) {
            return seconds / 3_600 + " hour(s)";
        }
        if (seconds >= 60 && seconds % 60 == 0) {
            return seconds / 60 + " minute(s)";
        }
        return seconds + " second(s)";
    }

    /** {@code multipart/report; report-type=delivery-status} (RFC 6522). */
    private static final class ReportMultipart extends MimeMultipart {
        ReportMultipart() throws MessagingException {
            super("report");
            ContentType type = new ContentType(contentType);
            type.setParameter("report-type", "delivery-status");
            contentType = type.toString();
        }
    }

    /** Keeps the Message-ID written above: javax.mail would replace it with its own on saveChanges(). */
    private static final class FixedIdMessage extends MimeMessage {
        FixedIdMessage() {
            super(Session.getInstance(new java.util.Properties()));
        }

        @Override
        protected void updateMessageID() {
            // the notification's Message-ID names its queue ID, as Postfix's cleanup writes it
        }
    }
}
