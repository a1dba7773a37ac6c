package dev.postern.smtp;

import java.util.Map;
import java.util.function.Predicate;

import org.apache.james.protocols.api.ProtocolSession;

/**
 * One hook's settings for each SMTP listener, chosen per session by the local port the client
 * connected to: the MX listener runs with main.cf, submission with its own overrides.
 */
public final class PerListener<T> {
    private final T fallback;
    private final Map<Integer, T> byPort;

    /**
     * @param fallback the settings from main.cf alone, for a session on no known listener
     * @param byPort   the settings of each listener, by its port
     */
    PerListener(T fallback, Map<Integer, T> byPort) {
        this.fallback = fallback;
        this.byPort = Map.copyOf(byPort);
    }

    /** Whether the settings of main.cf or of any listener pass the test. */
    public boolean any(Predicate<T> test) {
        return test.test(fallback) || byPort.values().stream().anyMatch(test);
    }

    /** The settings of the session's listener; main.cf's for a session without one (a hook called directly). */
    public T of(ProtocolSession session) {
        if (session == null || session.getLocalAddress() == null) {
            return fallback;
        }
        return byPort.getOrDefault(session.getLocalAddress().getPort(), fallback);
    }
}
