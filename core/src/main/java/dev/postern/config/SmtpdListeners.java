package dev.postern.config;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * The SMTP listeners of one server, each with the parameters it runs with: main.cf plus the
 * overrides written for it in smtpserver.xml (Postern's master.cf {@code -o name=value}).
 * Hooks find a session's listener by the local port it came in on.
 */
public final class SmtpdListeners {
    /**
     * @param name   the listener's jmxName in smtpserver.xml: smtpserver, submission, submissions
     * @param port   the port it is bound to
     * @param mainCf main.cf with the listener's overrides applied
     */
    public record Listener(String name, int port, MainCf mainCf) {
    }

    private static final SmtpdListeners NONE = new SmtpdListeners(List.of());

    private final List<Listener> listeners;
    private final Map<Integer, Listener> byPort;

    public SmtpdListeners(List<Listener> listeners) {
        this.listeners = List.copyOf(listeners);
        this.byPort = this.listeners.stream().collect(Collectors.toUnmodifiableMap(Listener::port, Function.identity()));
    }

    /** No listener known: every session runs with main.cf (a stock James server, unit tests). */
    public static SmtpdListeners none() {
        return NONE;
    }

    public List<Listener> all() {
        return listeners;
    }

    public Optional<Listener> atPort(int port) {
        return Optional.ofNullable(byPort.get(port));
    }
}
