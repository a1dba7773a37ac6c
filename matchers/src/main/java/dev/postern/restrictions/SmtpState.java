package dev.postern.restrictions;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.util.Objects;

import dev.postern.address.HostSyntax;
import dev.postern.address.ResolvedAddress;
import dev.postern.dns.ClientHostname;

/**
 * What the restrictions look at: one SMTP session at one command.
 *
 * @param client         the client's verified and reverse names with how their lookups ended
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
 *                       (Postfix's {@code rcpt_count}, for reject_multi_recipient_bounce)
 * @param improperPipelining whether the client sent commands ahead of replies where SMTP does not
 *                       allow it (for reject_unauth_pipelining)
 * @param facts          what else the server knows of the session, for policy service requests
 */
public record SmtpState(ClientHostname client, InetAddress clientAddress, String helo, ResolvedAddress sender,
        ResolvedAddress recipient, String saslUsername, boolean tls, Stage stage, int recipientCount,
        boolean improperPipelining, SessionFacts facts) {

    public SmtpState {
        Objects.requireNonNull(client, "client");
        Objects.requireNonNull(facts, "facts");
        Objects.requireNonNull(clientAddress, "clientAddress");
        Objects.requireNonNull(stage, "stage");
        if (recipientCount < 0) {
            throw new IllegalArgumentException("recipientCount < 0");
        }
    }

    /** A state without {@link SessionFacts}. */
    public SmtpState(ClientHostname client, InetAddress clientAddress, String helo, ResolvedAddress sender,
            ResolvedAddress recipient, String saslUsername, boolean tls, Stage stage, int recipientCount,
            boolean improperPipelining) {
        this(client, clientAddress, helo, sender, recipient, saslUsername, tls, stage, recipientCount, improperPipelining,
            SessionFacts.NONE);
    }

    /** A state of a client that did not pipeline improperly. */
    public SmtpState(ClientHostname client, InetAddress clientAddress, String helo, ResolvedAddress sender,
            ResolvedAddress recipient, String saslUsername, boolean tls, Stage stage, int recipientCount) {
        this(client, clientAddress, helo, sender, recipient, saslUsername, tls, stage, recipientCount, false);
    }

    /**
     * A state whose client is known by name only ({@code unknown}, empty or null for none): the
     * name counts as verified, and no name as a permanent lookup failure.
     */
    public SmtpState(String clientName, InetAddress clientAddress, String helo, ResolvedAddress sender,
            ResolvedAddress recipient, String saslUsername, boolean tls, Stage stage, int recipientCount,
            boolean improperPipelining) {
        this(ClientHostname.ofName(clientName), clientAddress, helo, sender, recipient, saslUsername, tls, stage,
            recipientCount, improperPipelining);
    }

    /** {@link #SmtpState(String, InetAddress, String, ResolvedAddress, ResolvedAddress, String, boolean, Stage, int, boolean)} without improper pipelining. */
    public SmtpState(String clientName, InetAddress clientAddress, String helo, ResolvedAddress sender,
            ResolvedAddress recipient, String saslUsername, boolean tls, Stage stage, int recipientCount) {
        this(clientName, clientAddress, helo, sender, recipient, saslUsername, tls, stage, recipientCount, false);
    }

    /** A fresh connection: no HELO, sender, recipient, login or TLS yet. */
    public static SmtpState connect(ClientHostname client, InetAddress clientAddress) {
        return new SmtpState(client, clientAddress, null, null, null, null, false, Stage.CLIENT, 0);
    }

    /** A fresh connection from a client known by name only (see the name constructor). */
    public static SmtpState connect(String clientName, InetAddress clientAddress) {
        return connect(ClientHostname.ofName(clientName), clientAddress);
    }

    /** The verified client host name; {@code unknown} when there is none. */
    public String clientName() {
        return client.name();
    }

    public SmtpState withHelo(String name) {
        return new SmtpState(client, clientAddress, name, sender, recipient, saslUsername, tls, Stage.HELO, recipientCount,
            improperPipelining, facts);
    }

    public SmtpState withSender(ResolvedAddress address) {
        return new SmtpState(client, clientAddress, helo, address, recipient, saslUsername, tls, Stage.SENDER, recipientCount,
            improperPipelining, facts);
    }

    public SmtpState withRecipient(ResolvedAddress address) {
        return new SmtpState(client, clientAddress, helo, sender, address, saslUsername, tls, Stage.RECIPIENT, recipientCount,
            improperPipelining, facts);
    }

    public SmtpState withStage(Stage newStage) {
        return new SmtpState(client, clientAddress, helo, sender, recipient, saslUsername, tls, newStage, recipientCount,
            improperPipelining, facts);
    }

    public SmtpState withSaslUsername(String name) {
        return new SmtpState(client, clientAddress, helo, sender, recipient, name, tls, stage, recipientCount,
            improperPipelining, facts);
    }

    public SmtpState withTls(boolean encrypted) {
        return new SmtpState(client, clientAddress, helo, sender, recipient, saslUsername, encrypted, stage, recipientCount,
            improperPipelining, facts);
    }

    public SmtpState withRecipientCount(int count) {
        return new SmtpState(client, clientAddress, helo, sender, recipient, saslUsername, tls, stage, count,
            improperPipelining, facts);
    }

    public SmtpState withImproperPipelining(boolean pipelined) {
        return new SmtpState(client, clientAddress, helo, sender, recipient, saslUsername, tls, stage, recipientCount,
            pipelined, facts);
    }

    public SmtpState withFacts(SessionFacts known) {
        return new SmtpState(client, clientAddress, helo, sender, recipient, saslUsername, tls, stage, recipientCount,
            improperPipelining, known);
    }

    /** The client address as Postfix prints and looks it up. */
    public String clientAddressText() {
        if (clientAddress instanceof Inet4Address) {
            // Java's dotted quad is already the canonical form: spare the re-parse on every check.
            return clientAddress.getHostAddress();
        }
        return HostSyntax.canonicalAddress(clientAddress.getHostAddress());
    }

    /** {@code name[address]}, the NAME of client replies. */
    public String clientNameAddress() {
        return clientName() + "[" + clientAddressText() + "]";
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
