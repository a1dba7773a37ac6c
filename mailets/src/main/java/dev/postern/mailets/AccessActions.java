package dev.postern.mailets;

import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;

import javax.mail.MessagingException;
import javax.mail.internet.AddressException;

import org.apache.james.core.MailAddress;
import org.apache.mailet.Attribute;
import org.apache.mailet.AttributeValue;
import org.apache.mailet.Mail;
import org.apache.mailet.base.GenericMailet;

import dev.postern.queue.MailAttributes;

/**
 * Carries out the access(5) REDIRECT and BCC results that the SMTP dialogue recorded on the
 * mail ({@link MailAttributes#REDIRECT}, {@link MailAttributes#BCC}), as Postfix's cleanup
 * does before the message is queued: REDIRECT replaces every recipient with its one address,
 * BCC adds its addresses (once each). Both attributes are removed, so a mail passing the
 * root processor again is not redirected twice.
 */
public class AccessActions extends GenericMailet {

    @Override
    public void service(Mail mail) throws MessagingException {
        Optional<String> redirect = mail.getAttribute(MailAttributes.REDIRECT)
            .flatMap(attribute -> attribute.getValue().valueAs(String.class));
        List<String> bcc = mail.getAttribute(MailAttributes.BCC).map(AccessActions::strings).orElse(List.of());
        if (redirect.isEmpty() && bcc.isEmpty()) {
            return;
        }
        Collection<MailAddress> recipients = new LinkedHashSet<>();
        if (redirect.isPresent()) {
            recipients.add(address(redirect.get(), mail));
        } else {
            recipients.addAll(mail.getRecipients());
        }
        for (String address : bcc) {
            recipients.add(address(address, mail));
        }
        mail.setRecipients(new ArrayList<>(recipients));
        mail.removeAttribute(MailAttributes.REDIRECT);
        mail.removeAttribute(MailAttributes.BCC);
    }

    private static List<String> strings(Attribute attribute) {
        Object value = attribute.getValue().value();
        if (!(value instanceof Collection<?> values)) {
            return List.of();
        }
        return values.stream()
            .map(v -> v instanceof AttributeValue<?> wrapped ? wrapped.value() : v)
            .map(String::valueOf)
            .toList();
    }

    private static MailAddress address(String text, Mail mail) throws MessagingException {
        try {
            return new MailAddress(text.trim());
        } catch (AddressException e) {
            // The restrictions only record addresses with an @; one James cannot parse is a table mistake.
            throw new MessagingException(mail.getName() + ": access(5) REDIRECT/BCC address \"" + text
                + "\" is not a valid address: " + e.getMessage(), e);
        }
    }

    @Override
    public String getMailetInfo() {
        return "Postern: carries out access(5) REDIRECT and BCC results";
    }
}
