package dev.postern.smtpd;

import java.time.Instant;
import java.util.Optional;

import org.apache.james.protocols.api.ProtocolSession;
import org.apache.james.protocols.api.ProtocolSession.State;

/**
 * The queue ID of the transaction in progress, kept with the SMTP session's transaction
 * state so that RSET and the end of DATA forget it and the next message gets its own.
 */
public final class SessionQueueId {
    private static final ProtocolSession.AttachmentKey<String> KEY =
        ProtocolSession.AttachmentKey.of("dev.postern.queueId", String.class);
    private static final ProtocolSession.AttachmentKey<Instant> ARRIVAL =
        ProtocolSession.AttachmentKey.of("dev.postern.arrival", Instant.class);

    private SessionQueueId() {
    }

    public static Optional<String> get(ProtocolSession session) {
        return session.getAttachment(KEY, State.Transaction);
    }

    /** When the queue ID was assigned: Postfix's arrival time of the message. */
    public static Optional<Instant> arrival(ProtocolSession session) {
        return session.getAttachment(ARRIVAL, State.Transaction);
    }

    static void set(ProtocolSession session, String queueId, Instant arrival) {
        session.setAttachment(KEY, queueId, State.Transaction);
        session.setAttachment(ARRIVAL, arrival, State.Transaction);
    }
}
