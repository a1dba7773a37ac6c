package dev.postern.delivery.smtp;

import java.util.Objects;

/**
 * A session-level failure: the connection, the greeting, the handshake, TLS or AUTH failed, or
 * the connection was lost or timed out. Recipients without a reply of their own may be tried at
 * the next server; when there is none, they get {@link #outcome()}.
 */
public class SessionException extends Exception {
    private final Outcome outcome;
    private final boolean reachedServer;

    /**
     * @param reachedServer whether a server answered at all (the log names it as the relay;
     *                      connection failures log {@code relay=none})
     */
    public SessionException(Outcome outcome, boolean reachedServer) {
        super(outcome.text());
        this.outcome = Objects.requireNonNull(outcome, "outcome");
        this.reachedServer = reachedServer;
    }

    public Outcome outcome() {
        return outcome;
    }

    public boolean reachedServer() {
        return reachedServer;
    }
}
