package dev.postern.smtpd;

import java.time.Duration;
import java.time.Instant;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import javax.inject.Singleton;

import org.apache.james.protocols.api.ProtocolSession.State;
import org.apache.james.protocols.smtp.SMTPSession;

/**
 * The open SMTP sessions of this server, so that a stop can let the transactions in
 * progress finish: once draining starts, new connections and new transactions are
 * turned away with 421, and the stop waits until no session is between an accepted
 * MAIL FROM and the end of its transaction.
 */
@Singleton
public class SessionRegistry {
    private final Set<SMTPSession> sessions = ConcurrentHashMap.newKeySet();
    private volatile boolean draining;

    void opened(SMTPSession session) {
        sessions.add(session);
    }

    void closed(SMTPSession session) {
        sessions.remove(session);
    }

    boolean isDraining() {
        return draining;
    }

    public void startDraining() {
        draining = true;
    }

    public int transactionsInProgress() {
        return (int) sessions.stream()
            .filter(session -> session.getAttachment(SMTPSession.SENDER, State.Transaction).isPresent())
            .count();
    }

    /** @return true when no transaction was left in progress before the timeout */
    public boolean awaitNoTransactions(Duration timeout) throws InterruptedException {
        Instant deadline = Instant.now().plus(timeout);
        while (transactionsInProgress() > 0) {
            if (Instant.now().isAfter(deadline)) {
                return false;
            }
            Thread.sleep(50);
        }
        return true;
    }
}
