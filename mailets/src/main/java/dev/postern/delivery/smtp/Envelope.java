package dev.postern.delivery.smtp;

import java.util.List;
import java.util.Optional;

import org.apache.james.core.MailAddress;
import org.apache.james.core.MaybeSender;
import org.apache.mailet.DsnParameters;

/**
 * The sender, the recipients of one transaction and the DSN parameters the client passes on
 * (RET, ENVID, NOTIFY, ORCPT) when the server offers DSN.
 */
record Envelope(MaybeSender sender, List<MailAddress> recipients, Optional<DsnParameters> dsn) {

    Envelope {
        recipients = List.copyOf(recipients);
    }

    Envelope withRecipients(List<MailAddress> others) {
        return new Envelope(sender, others, dsn);
    }

    /** Whether an address needs SMTPUTF8 (RFC 6531): any non-ASCII character in it. */
    boolean needsSmtpUtf8() {
        if (!sender.isNullSender() && !isAscii(sender.get().asString())) {
            return true;
        }
        return recipients.stream().anyMatch(r -> !isAscii(r.asString()));
    }

    private static boolean isAscii(String text) {
        return text.chars().allMatch(c -> c < 0x80);
    }
}
