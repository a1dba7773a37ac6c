package dev.postern.smtpd;

import org.apache.james.protocols.api.ProtocolSession;
import org.apache.james.protocols.api.ProtocolSession.State;

import dev.postern.restrictions.Reply;

/**
 * With {@code smtpd_delay_reject = no}, a {@code defer_if_permit} raised by the client list at
 * connect, the HELO list or the sender list does not refuse that command: as in Postfix it is
 * carried to the next stage and takes effect when the RCPT lists end in an accept. Each stage
 * starts from what the one before left: HELO from the client's, MAIL FROM from HELO's (or the
 * client's without HELO), RCPT from MAIL FROM's.
 */
final class EarlyDeferrals {
    private static final ProtocolSession.AttachmentKey<Reply> CLIENT =
        ProtocolSession.AttachmentKey.of("dev.postern.deferral.client", Reply.class);
    private static final ProtocolSession.AttachmentKey<Reply> HELO =
        ProtocolSession.AttachmentKey.of("dev.postern.deferral.helo", Reply.class);
    private static final ProtocolSession.AttachmentKey<Reply> SENDER =
        ProtocolSession.AttachmentKey.of("dev.postern.deferral.sender", Reply.class);

    private EarlyDeferrals() {
    }

    static void afterClient(ProtocolSession session, Reply pending) {
        put(session, CLIENT, pending, State.Connection);
    }

    static void afterHelo(ProtocolSession session, Reply pending) {
        put(session, HELO, pending, State.Connection);
    }

    static void afterSender(ProtocolSession session, Reply pending) {
        put(session, SENDER, pending, State.Transaction);
    }

    /** What the HELO list starts from; null when nothing is pending. */
    static Reply forHelo(ProtocolSession session) {
        return session.getAttachment(CLIENT, State.Connection).orElse(null);
    }

    static Reply forSender(ProtocolSession session) {
        return session.getAttachment(HELO, State.Connection).orElseGet(() -> forHelo(session));
    }

    static Reply forRecipient(ProtocolSession session) {
        return session.getAttachment(SENDER, State.Transaction).orElseGet(() -> forSender(session));
    }

    private static void put(ProtocolSession session, ProtocolSession.AttachmentKey<Reply> key, Reply pending, State state) {
        if (pending == null) {
            session.removeAttachment(key, state);
        } else {
            session.setAttachment(key, pending, state);
        }
    }
}
