package dev.postern.delivery;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

import org.apache.james.core.MailAddress;

/** Operations on a mail's recipient list that every delivery path shares. */
public final class Recipients {
    private Recipients() {
    }

    /**
     * The recipients without repeats, first occurrence kept, compared without regard to case: a message
     * sent to {@code bob@x} and {@code BOB@x} is delivered, logged and bounced once, as Postfix's
     * duplicate elimination does.
     */
    public static List<MailAddress> withoutDuplicates(Collection<MailAddress> recipients) {
        Set<String> seen = new HashSet<>();
        List<MailAddress> distinct = new ArrayList<>();
        for (MailAddress recipient : recipients) {
            if (seen.add(recipient.asString().toLowerCase(Locale.ROOT))) {
                distinct.add(recipient);
            }
        }
        return distinct;
    }
}
