package com.example.policy;

import javax.mail.MessagingException;
import javax.mail.internet.MimeMessage;

import org.apache.mailet.Mail;
import org.apache.mailet.base.GenericMailet;

/**
 * Site policy: marks a message by putting a tag in front of its Subject and adding
 * {@code X-Site-Policy: tagged}.
 *
 * <pre>{@code
 * <mailet match="com.example.policy.SenderDomainIs=policy.example" class="com.example.policy.SubjectTagMailet">
 *     <tag>[policy]</tag>
 * </mailet>
 * }</pre>
 */
public class SubjectTagMailet extends GenericMailet {
    private String tag;

    @Override
    public void init() throws MessagingException {
        tag = getInitParameter("tag");
        if (tag == null || tag.isBlank()) {
            // A mistake in the XML should stop the start, not let mail through untagged.
            throw new MessagingException(getMailetName() + ": the <tag> init parameter is required");
        }
    }

    @Override
    public void service(Mail mail) throws MessagingException {
        MimeMessage message = mail.getMessage();
        String subject = message.getSubject();
        message.setSubject(subject == null ? tag : tag + " " + subject, "UTF-8");
        message.setHeader("X-Site-Policy", "tagged");
        message.saveChanges();
    }

    @Override
    public String getMailetInfo() {
        return "Site policy: tag the Subject";
    }
}
