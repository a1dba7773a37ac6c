package dev.postern.app.it;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;

import javax.mail.BodyPart;
import javax.mail.MessagingException;
import javax.mail.Session;
import javax.mail.internet.MimeMessage;
import javax.mail.internet.MimeMultipart;

import dev.postern.testing.smtp.SinkMessage;

/**
 * An RFC 3464 report as a sink received it, taken apart with javax.mail: the {@code multipart/report}
 * parts and the {@code message/delivery-status} fields, per message and per recipient.
 */
record ReceivedReport(MimeMessage message, List<BodyPart> parts, Map<String, String> messageFields,
                       List<Map<String, String>> recipientFields) {

    static ReceivedReport parse(SinkMessage sinkMessage) {
        try {
            MimeMessage message = new MimeMessage(Session.getInstance(new Properties()),
                new ByteArrayInputStream(sinkMessage.content()));
            Object content = message.getContent();
            if (!(content instanceof MimeMultipart multipart)) {
                throw new AssertionError("not a multipart message: " + message.getContentType() + "\n"
                    + sinkMessage.contentAsString());
            }
            List<BodyPart> parts = new ArrayList<>();
            for (int i = 0; i < multipart.getCount(); i++) {
                parts.add(multipart.getBodyPart(i));
            }
            List<Map<String, String>> groups = new ArrayList<>();
            for (BodyPart part : parts) {
                if (part.isMimeType("message/delivery-status")) {
                    groups = fieldGroups(text(part));
                }
            }
            if (groups.isEmpty()) {
                throw new AssertionError("no message/delivery-status part in\n" + sinkMessage.contentAsString());
            }
            return new ReceivedReport(message, List.copyOf(parts), groups.get(0), List.copyOf(groups.subList(1, groups.size())));
        } catch (MessagingException | IOException e) {
            throw new AssertionError("cannot parse the report: " + e + "\n" + sinkMessage.contentAsString(), e);
        }
    }

    /** The undecoded text of a part's body. */
    static String text(BodyPart part) {
        try (InputStream in = part.getInputStream()) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (MessagingException e) {
            throw new AssertionError(e);
        }
    }

    /** The returned message of part 3, parsed. */
    MimeMessage returnedMessage() {
        try {
            return new MimeMessage(Session.getInstance(new Properties()),
                new ByteArrayInputStream(text(parts.get(2)).getBytes(StandardCharsets.UTF_8)));
        } catch (MessagingException e) {
            throw new AssertionError(e);
        }
    }

    String header(String name) {
        try {
            return message.getHeader(name, ",");
        } catch (MessagingException e) {
            throw new AssertionError(e);
        }
    }

    /** RFC 3464 2.1: groups of {@code Name: value} fields separated by empty lines, continuation lines unfolded. */
    private static List<Map<String, String>> fieldGroups(String text) {
        List<Map<String, String>> groups = new ArrayList<>();
        Map<String, String> group = new LinkedHashMap<>();
        String last = null;
        for (String line : text.split("\r?\n")) {
            if (line.isBlank()) {
                if (!group.isEmpty()) {
                    groups.add(group);
                    group = new LinkedHashMap<>();
                }
                last = null;
            } else if ((line.startsWith(" ") || line.startsWith("\t")) && last != null) {
                group.put(last, group.get(last) + " " + line.strip());
            } else {
                int colon = line.indexOf(':');
                if (colon < 0) {
                    throw new AssertionError("not a delivery-status field: \"" + line + "\" in\n" + text);
                }
                last = line.substring(0, colon);
                group.put(last, line.substring(colon + 1).strip());
            }
        }
        if (!group.isEmpty()) {
            groups.add(group);
        }
        return groups;
    }
}
