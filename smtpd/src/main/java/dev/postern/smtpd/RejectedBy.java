package dev.postern.smtpd;

import org.apache.james.protocols.api.ProtocolSession;
import org.apache.james.protocols.api.ProtocolSession.State;

import dev.postern.restrictions.RejectClass;

/**
 * The kind of restriction behind the refusal of the command being answered: the restriction hook
 * knows it when it refuses MAIL or RCPT, {@link SmtpdLogger} writes the reject line (and counts it)
 * once the reply is sent. Taken at every refusal, so that it never outlives its command.
 */
final class RejectedBy {
    private static final ProtocolSession.AttachmentKey<RejectClass> REJECT_CLASS =
        ProtocolSession.AttachmentKey.of("dev.postern.rejectClass", RejectClass.class);

    private RejectedBy() {
    }

    static void decided(ProtocolSession session, RejectClass rejectClass) {
        session.setAttachment(REJECT_CLASS, rejectClass, State.Connection);
    }

    /** The class of the refusal being answered, {@link RejectClass#OTHER} when no restriction gave it; forgotten after. */
    static RejectClass take(ProtocolSession session) {
        RejectClass decided = session.getAttachment(REJECT_CLASS, State.Connection).orElse(RejectClass.OTHER);
        session.removeAttachment(REJECT_CLASS, State.Connection);
        return decided;
    }
}
