package dev.postern.delivery;

import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

import org.apache.james.core.MailAddress;
import org.apache.mailet.Attribute;
import org.apache.mailet.AttributeValue;
import org.apache.mailet.Mail;

import dev.postern.queue.MailAttributes;

/**
 * Postfix's {@code orig_to}: which recipient each rewritten recipient came from, kept on the mail
 * in {@link MailAttributes#ORIG_TO} (final address → original address) for the delivery log.
 * A recipient rewritten twice (canonical, then virtual alias) keeps the very first address.
 */
public final class OriginalRecipients {
    private OriginalRecipients() {
    }

    /** The original of a recipient, when it was rewritten. */
    public static Optional<String> of(Mail mail, MailAddress recipient) {
        return Optional.ofNullable(read(mail).get(recipient.asString()));
    }

    /** Records {@code final → original} entries, chaining through earlier ones. */
    public static void record(Mail mail, Map<MailAddress, MailAddress> originals) {
        if (originals.isEmpty()) {
            return;
        }
        Map<String, String> current = read(mail);
        Map<String, String> updated = new HashMap<>(current);
        for (Map.Entry<MailAddress, MailAddress> entry : originals.entrySet()) {
            String original = entry.getValue().asString();
            updated.put(entry.getKey().asString(), current.getOrDefault(original, original));
        }
        Map<String, AttributeValue<?>> value = new HashMap<>();
        updated.forEach((finalAddress, original) -> value.put(finalAddress, AttributeValue.of(original)));
        mail.setAttribute(new Attribute(MailAttributes.ORIG_TO, AttributeValue.of(value)));
    }

    private static Map<String, String> read(Mail mail) {
        Map<String, String> result = new HashMap<>();
        mail.getAttribute(MailAttributes.ORIG_TO).map(attribute -> attribute.getValue().value()).ifPresent(value -> {
            if (value instanceof Map<?, ?> map) {
                map.forEach((k, v) -> result.put(String.valueOf(k),
                    String.valueOf(v instanceof AttributeValue<?> wrapped ? wrapped.value() : v)));
            }
        });
        return result;
    }
}
