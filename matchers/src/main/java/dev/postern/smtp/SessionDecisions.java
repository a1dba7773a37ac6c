package dev.postern.smtp;

import java.util.Map;
import java.util.Optional;

import org.apache.james.protocols.api.ProtocolSession;
import org.apache.james.protocols.api.ProtocolSession.State;
import org.apache.mailet.Attribute;
import org.apache.mailet.AttributeName;
import org.apache.mailet.AttributeValue;
import org.apache.mailet.Mail;

import dev.postern.config.MailAttributes;

/**
 * HOLD and DISCARD results of the restrictions, kept with the transaction (they apply to the
 * whole message, whichever recipient's check produced them) until the message is queued,
 * when they become mail attributes for the pipeline.
 */
final class SessionDecisions {
    private static final ProtocolSession.AttachmentKey<String> HOLD =
        ProtocolSession.AttachmentKey.of("dev.postern.decision.hold", String.class);
    private static final ProtocolSession.AttachmentKey<String> DISCARD =
        ProtocolSession.AttachmentKey.of("dev.postern.decision.discard", String.class);

    private SessionDecisions() {
    }

    static void hold(ProtocolSession session, String reason) {
        session.setAttachment(HOLD, reason, State.Transaction);
    }

    static void discard(ProtocolSession session, String reason) {
        session.setAttachment(DISCARD, reason, State.Transaction);
    }

    static void applyTo(ProtocolSession session, Mail mail) {
        Map.of(HOLD, MailAttributes.HOLD, DISCARD, MailAttributes.DISCARD).forEach((key, name) ->
            copy(session.getAttachment(key, State.Transaction), name, mail));
    }

    private static void copy(Optional<String> reason, AttributeName name, Mail mail) {
        reason.ifPresent(text -> mail.setAttribute(new Attribute(name, AttributeValue.of(text))));
    }
}
