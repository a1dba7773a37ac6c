package dev.postern.smtpd;

import java.util.function.Supplier;

import org.apache.james.protocols.api.ProtocolSession;
import org.apache.james.protocols.api.ProtocolSession.State;

import dev.postern.config.Generation;

/**
 * The configuration generation an SMTP session runs with: the current one when the session first
 * asks (its connect handlers), kept with the connection state for the rest of the session. As
 * with Postfix's reload, sessions already open keep the settings they started with and new
 * sessions get the new ones, so a reload never changes the rules in the middle of a transaction.
 */
public final class SessionGeneration {
    private static final ProtocolSession.AttachmentKey<Generation> KEY =
        ProtocolSession.AttachmentKey.of("dev.postern.generation", Generation.class);

    private SessionGeneration() {
    }

    /** The session's generation, pinned to {@code current} on the first call. */
    public static Generation of(ProtocolSession session, Supplier<Generation> current) {
        return session.getAttachment(KEY, State.Connection).orElseGet(() -> {
            Generation generation = current.get();
            session.setAttachment(KEY, generation, State.Connection);
            return generation;
        });
    }
}
