package dev.postern.qmgr;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Consumer;

import javax.mail.MessagingException;
import javax.mail.internet.AddressException;
import javax.mail.internet.MimeMessage;

import org.apache.james.core.MailAddress;
import org.apache.james.server.core.MailImpl;
import org.apache.mailet.Mail;

import dev.postern.config.ComponentParameters;
import dev.postern.log.MailEvent;
import dev.postern.milter.MilterClient;
import dev.postern.milter.MilterList;
import dev.postern.milter.MilterMessage;
import dev.postern.milter.MilterModification;
import dev.postern.milter.MilterReply;
import dev.postern.milter.MilterSettings;
import dev.postern.queue.MailAttributes;

/**
 * Postfix's {@code non_smtpd_milters} for the mail Postern makes itself: a notice of the
 * {@code bounce} class (non-delivery, delay and success notifications) is shown to the filters
 * when {@code internal_mail_filter_classes} names its class, as Postfix's cleanup shows bounce(8)'s
 * mail to them. The filters see a client {@code localhost [127.0.0.1]} that said HELO
 * {@code localhost}, the envelope, the message, and may change it as they may SMTP mail.
 * Mail from smtpd (which had {@code smtpd_milters}), forwarded alias mail and requeued mail are
 * not shown to them, as in Postfix.
 */
final class NonSmtpdMilters {
    static final NonSmtpdMilters NONE = new NonSmtpdMilters(List.of(), Set.of(), "", "", "");
    private static final String CLIENT = "localhost";
    private static final String CLIENT_ADDRESS = "127.0.0.1";

    private final List<MilterSettings> milters;
    private final Set<String> classes;
    private final String myhostname;
    private final String daemonName;
    private final String v;

    /** What the filters made of a mail. */
    sealed interface Outcome {
        /** Deliver it, as the filters left it. */
        record Accept() implements Outcome {
        }

        /** Do not deliver it: {@code action} is {@code milter-reject} or {@code milter-discard}. */
        record Drop(String action, String text) implements Outcome {
        }

        /** Try again later: a filter said tempfail, or was down with the default action tempfail. */
        record Tempfail(String text) implements Outcome {
        }

        /** Put it on hold with the reason. */
        record Hold(String reason) implements Outcome {
        }
    }

    NonSmtpdMilters(List<MilterSettings> milters, Set<String> classes, String myhostname, String daemonName, String v) {
        this.milters = List.copyOf(milters);
        this.classes = Set.copyOf(classes);
        this.myhostname = myhostname;
        this.daemonName = daemonName;
        this.v = v;
    }

    static NonSmtpdMilters of(ComponentParameters parameters) {
        List<String> names = parameters.list("non_smtpd_milters");
        Set<String> classes = Set.copyOf(parameters.list("internal_mail_filter_classes").stream()
            .map(name -> name.toLowerCase(Locale.ROOT)).toList());
        for (String name : classes) {
            if (!name.equals("bounce") && !name.equals("notify")) {
                throw new IllegalArgumentException("internal_mail_filter_classes: unknown class \"" + name
                    + "\" (expected bounce or notify)");
            }
        }
        if (names.isEmpty()) {
            return NONE;
        }
        return new NonSmtpdMilters(MilterList.of(parameters).settings(names, "non_smtpd_milters"), classes,
            parameters.get("myhostname").trim(), parameters.get("milter_macro_daemon_name").trim(),
            parameters.get("milter_macro_v").trim());
    }

    /** Whether this mail is one the filters must see: Postern's own, of a class they are asked to inspect. */
    boolean applies(Mail mail) {
        return !milters.isEmpty() && mail.getAttribute(MailAttributes.INTERNAL_MAIL_CLASS)
            .map(attribute -> String.valueOf(attribute.getValue().value()))
            .filter(classes::contains).isPresent();
    }

    /** Shows the mail to each filter in turn; on {@link Outcome.Accept} the mail carries their changes. */
    Outcome filter(Mail mail, String queueId, Consumer<String> warnings) throws MessagingException {
        return filter(mail, queueId, warnings, decision -> {
        });
    }

    /** As {@link #filter(Mail, String, Consumer)}, telling {@code decisions} each filter's final word (the metrics). */
    Outcome filter(Mail mail, String queueId, Consumer<String> warnings, Consumer<MailEvent> decisions) throws MessagingException {
        List<MilterClient> clients = new ArrayList<>();
        try {
            return filter(mail, queueId, warnings, decisions, clients);
        } catch (IOException e) {
            throw new MessagingException(queueId + ": cannot pass the message to the milters: " + e.getMessage(), e);
        } finally {
            clients.forEach(MilterClient::close);
        }
    }

    private Outcome filter(Mail mail, String queueId, Consumer<String> warnings, Consumer<MailEvent> decisions,
                           List<MilterClient> clients)
            throws IOException, MessagingException {
        String sender = mail.getMaybeSender().asString("");
        List<MailAddress> recipients = new ArrayList<>(mail.getRecipients());
        String newSender = sender;
        boolean envelopeChanged = false;
        boolean contentChanged = false;
        MilterMessage message = MilterMessage.parse(bytes(mail.getMessage()));
        for (MilterSettings settings : milters) {
            MilterClient client = MilterClient.open(settings, warnings, decisions);
            clients.add(client);
            MilterClient.Macros macros = macros(queueId, sender, recipients);
            Optional<MilterReply> early = envelopeEvents(client, sender, mail.getRecipients(), macros);
            if (early.isPresent()) {
                return refused(early.get());
            }
            MilterClient.EndOfMessage end = client.content(message, macros);
            if (end.reply().refuses() || end.reply().kind() == MilterReply.Kind.DISCARD) {
                return refused(end.reply());
            }
            for (MilterModification modification : end.modifications()) {
                if (modification instanceof MilterModification.Quarantine quarantine) {
                    return new Outcome.Hold(quarantine.reason().isBlank() ? "milter triggers HOLD action" : quarantine.reason());
                } else if (modification instanceof MilterModification.AddRecipient add) {
                    MailAddress address = new MailAddress(add.address());
                    if (!recipients.contains(address)) {
                        recipients.add(address);
                    }
                    envelopeChanged = true;
                } else if (modification instanceof MilterModification.DeleteRecipient delete) {
                    recipients.removeIf(r -> r.asString().equalsIgnoreCase(delete.address()));
                    envelopeChanged = true;
                } else if (modification instanceof MilterModification.ChangeSender change) {
                    newSender = change.address();
                    envelopeChanged = true;
                } else {
                    contentChanged = true;
                }
            }
            message = message.apply(end.modifications(), end.leadingSpace());
        }
        if (contentChanged) {
            mail.setMessage(new MimeMessage(null, new ByteArrayInputStream(message.bytes())));
        }
        if (envelopeChanged) {
            applyEnvelope(mail, newSender, recipients);
        }
        return new Outcome.Accept();
    }

    /** Connect, HELO, MAIL, each RCPT and DATA: the first refusal or discard, if any. */
    private static Optional<MilterReply> envelopeEvents(MilterClient client, String sender,
            Collection<MailAddress> recipients, MilterClient.Macros macros) {
        List<MilterReply> replies = new ArrayList<>();
        replies.add(client.connect(CLIENT, CLIENT_ADDRESS, 0, macros));
        replies.add(client.helo(CLIENT, macros));
        replies.add(client.mail(sender, List.of(), macros));
        for (MailAddress recipient : recipients) {
            replies.add(client.rcpt(recipient.asString(), List.of(), macros));
        }
        replies.add(client.data(macros));
        return replies.stream().filter(r -> r.refuses() || r.kind() == MilterReply.Kind.DISCARD).findFirst();
    }

    private static Outcome refused(MilterReply reply) {
        if (reply.kind() == MilterReply.Kind.DISCARD) {
            return new Outcome.Drop("milter-discard", "milter triggers DISCARD action");
        }
        String text = reply.dsn() + " " + reply.text();
        return reply.kind() == MilterReply.Kind.REJECT ? new Outcome.Drop("milter-reject", text) : new Outcome.Tempfail(text);
    }

    private static void applyEnvelope(Mail mail, String sender, List<MailAddress> recipients) throws AddressException {
        mail.setRecipients(List.copyOf(recipients));
        if (mail instanceof MailImpl impl) {
            impl.setSender(sender.isEmpty() ? null : new MailAddress(sender));
        }
    }

    private MilterClient.Macros macros(String queueId, String sender, List<MailAddress> recipients) {
        Map<String, String> values = new HashMap<>(Map.of("j", myhostname, "{daemon_name}", daemonName,
            "v", v, "_", CLIENT + " [" + CLIENT_ADDRESS + "]", "{client_addr}", CLIENT_ADDRESS,
            "{client_name}", CLIENT, "i", queueId, "{mail_addr}", sender, "{mail_mailer}", "local"));
        if (!recipients.isEmpty()) {
            values.put("{rcpt_addr}", recipients.get(recipients.size() - 1).asString());
        }
        return name -> Optional.ofNullable(values.get(name)).filter(value -> !value.isEmpty());
    }

    private static byte[] bytes(MimeMessage message) throws IOException, MessagingException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        message.writeTo(out);
        return out.toByteArray();
    }
}
