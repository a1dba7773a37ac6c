package dev.postern.restrictions;

import java.net.InetAddress;
import java.util.Objects;

import dev.postern.address.HostSyntax;
import dev.postern.address.ResolvedAddress;

/**
 * What the restrictions look at: one SMTP session at one command.
 *
 * @param clientName     the verified client host name; {@code unknown} (also for null) when there is none
 * @param clientAddress  the client IP address
 * @param helo           the HELO/EHLO argument; null before HELO (HELO checks are then skipped)
 * @param sender         the resolved MAIL FROM address; null (or an empty address) is the null sender
 *                       {@code <>}. It counts only from {@link Stage#SENDER} on.
 * @param recipient      the resolved RCPT TO address being checked; null when there is none
 *                       (recipient checks are then skipped)
 * @param saslUsername   the SASL login name; null when the client did not authenticate
 * @param tls            whether the session is encrypted
 * @param stage          the command being checked
 * @param recipientCount recipients accepted so far, not counting the one being checked
 *                       (Postfix's {@code rcpt_count}, for reject_multi_recipient_bounce); at DATA
 *                       and end-of-data, all accepted recipients
 * @param improperPipelining whether the client sent commands ahead of replies where SMTP does not
 *                       allow it (Postfix's session flag, for reject_unauth_pipelining)
 */
public record SmtpState(String clientName, InetAddress clientAddress, String helo, ResolvedAddress sender,
        ResolvedAddress recipient, String saslUsername, boolean tls, Stage stage, int recipientCount,
        boolean improperPipelining) {

    public SmtpState {
        clientName = clientName == null || clientName.isEmpty() ? "unknown" : clientName;
        Objects.requireNonNull(clientAddress, "clientAddress");
        Objects.requireNonNull(stage, "stage");
        if (recipientCount < 0) {
            throw new IllegalArgumentException("recipientCount < 0");
        }
    }

    /** A fresh connection: no HELO, sender, recipient, login or TLS yet. */
    public static SmtpState connect(String clientName, InetAddress clientAddress) {
        return new SmtpState(clientName, clientAddress, null, null, null, null, false, Stage.CLIENT, 0, false);
    }

    public SmtpState withHelo(String name) {
        return new SmtpState(clientName, clientAddress, name, sender, recipient, saslUsername, tls, Stage.HELO, recipientCount, improperPipelining);
    }

    public SmtpState withSender(ResolvedAddress address) {
        return new SmtpState(clientName, clientAddress, helo, address, recipient, saslUsername, tls, Stage.SENDER, recipientCount, improperPipelining);
    }

    public SmtpState withRecipient(ResolvedAddress address) {
        return new SmtpState(clientName, clientAddress, helo, sender, address, saslUsername, tls, Stage.RECIPIENT, recipientCount, improperPipelining);
    }

    public SmtpState withStage(Stage newStage) {
        return new SmtpState(clientName, clientAddress, helo, sender, recipient, saslUsername, tls, newStage, recipientCount, improperPipelining);
    }

    public SmtpState withSaslUsername(String name) {
        return new SmtpState(clientName, clientAddress, helo, sender, recipient, name, tls, stage, recipientCount, improperPipelining);
    }

    public SmtpState withTls(boolean encrypted) {
        return new SmtpState(clientName, clientAddress, helo, sender, recipient, saslUsername, encrypted, stage, recipientCount, improperPipelining);
    }

    public SmtpState withRecipientCount(int count) {
        return new SmtpState(clientName, clientAddress, helo, sender, recipient, saslUsername, tls, stage, count, improperPipelining);
    }

    public SmtpState withImproperPipelining(boolean pipelined) {
        return new SmtpState(clientName, clientAddress, helo, sender, recipient, saslUsername, tls, stage, recipientCount, pipelined);
    }

    /** The client address as Postfix prints and looks it up. */
    public String clientAddressText() {
        return HostSyntax.canonicalAddress(clientAddress.getHostAddress());
    }

    /** {@code name[address]}, the NAME of client replies. */
    public String clientNameAddress() {
        return clientName + "[" + clientAddressText() + "]";
    }

    /** Whether MAIL FROM has been given (at this stage). */
    public boolean hasSender() {
        return stage.compareTo(Stage.SENDER) >= 0;
    }

    /** The sender's internal form; empty for the null sender. */
    public String senderAddress() {
        return sender == null ? "" : sender.address();
    }

    public boolean isNullSender() {
        return senderAddress().isEmpty();
    }
}
