package dev.postern.delivery.smtp;

import java.util.List;
import java.util.Optional;

import org.apache.james.core.MailAddress;
import org.apache.james.core.MaybeSender;
import org.apache.mailet.DsnParameters;

/**
 * What the SMTP client sends in one mail transaction (MAIL, RCPT, DATA): the envelope sender, the
 * recipients and the DSN parameters it passes on (RET, ENVID, NOTIFY, ORCPT) when the server offers
 * DSN; a {@code probe} (address verification) ends after RCPT TO. (The queue's own envelope, what a queued mail is kept as, is {@code dev.postern.app.queue.Envelope}.)
 */
record Transaction(MaybeSender sender, List<MailAddress> recipients, Optional<DsnParameters> dsn, boolean probe) {

    Transaction {
        recipients = List.copyOf(recipients);
    }

    Transaction(MaybeSender sender, List<MailAddress> recipients, Optional<DsnParameters> dsn) {
        this(sender, recipients, dsn, false);
    }

    Transaction withRecipients(List<MailAddress> others) {
        return new Transaction(sender, others, dsn, probe);
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
