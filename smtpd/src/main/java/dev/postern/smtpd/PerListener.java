package dev.postern.smtpd;

import java.util.Collections;
import java.util.Map;
import java.util.WeakHashMap;
import java.util.function.Consumer;
import java.util.function.Predicate;
import java.util.function.Supplier;

import org.apache.james.protocols.api.ProtocolSession;

import dev.postern.config.ConfigException;
import dev.postern.config.Generation;
import dev.postern.config.Reloadable;

/**
 * One hook's settings for each SMTP listener, chosen per session by the local port the client
 * connected to: the MX listener runs with main.cf, submission with its own overrides.
 *
 * <p>The settings are built per configuration {@link Generation}. A session uses those of the
 * generation it started with ({@link SessionGeneration}); a reload prepares the new generation's
 * settings ({@link #prepare}) and the first session of that generation uses them, or builds them
 * if nothing prepared them. Settings of a generation no open session uses any more are dropped
 * with it (weak keys).
 */
public final class PerListener<T> implements Reloadable {
    /** Builds the settings of every listener for one generation. */
    @FunctionalInterface
    interface Builder<T> {
        Listeners<T> build(Generation generation) throws ConfigException;
    }

    /**
     * @param fallback the settings from main.cf alone, for a session on no known listener
     * @param byPort   the settings of each listener, by its port
     */
    record Listeners<T>(T fallback, Map<Integer, T> byPort) {
        Listeners {
            byPort = Map.copyOf(byPort);
        }

        T at(ProtocolSession session) {
            if (session == null || session.getLocalAddress() == null) {
                return fallback;
            }
            return byPort.getOrDefault(session.getLocalAddress().getPort(), fallback);
        }

        void forEach(Consumer<T> action) {
            action.accept(fallback);
            byPort.values().forEach(action);
        }
    }

    private final Supplier<Generation> current;
    private final boolean reloads;
    private final Builder<T> builder;
    /** Releases what the settings of a generation no longer current hold open. */
    private final Consumer<T> retirement;
    private final Map<Generation, Listeners<T>> byGeneration = Collections.synchronizedMap(new WeakHashMap<>());

    /**
     * @param current the current generation
     * @param reloads whether {@code current} ever changes; when not, sessions are not pinned to one
     */
    PerListener(Supplier<Generation> current, boolean reloads, Builder<T> builder) throws ConfigException {
        this(current, reloads, builder, settings -> { });
    }

    /**
     * @param retirement releases what the settings of a generation hold open, once it is no longer
     *                   current ({@link #retire}); they stay usable by its sessions
     */
    PerListener(Supplier<Generation> current, boolean reloads, Builder<T> builder, Consumer<T> retirement)
            throws ConfigException {
        this.current = current;
        this.reloads = reloads;
        this.builder = builder;
        this.retirement = retirement;
        Generation start = current.get();
        byGeneration.put(start, builder.build(start));
    }

    /** Fixed settings that never reload (tests, components built by hand). */
    PerListener(T fallback, Map<Integer, T> byPort) {
        Generation fixed = new Generation(0, null, null);
        this.current = () -> fixed;
        this.reloads = false;
        this.builder = generation -> new Listeners<>(fallback, byPort);
        this.retirement = settings -> { };
        byGeneration.put(fixed, new Listeners<>(fallback, byPort));
    }

    @Override
    public void prepare(Generation candidate) throws ConfigException {
        byGeneration.put(candidate, builder.build(candidate));
    }

    /**
     * Releases what the settings of {@code previous} hold open. They stay in place (not rebuilt) for
     * the sessions that started under it, which the retirement leaves them usable for.
     */
    @Override
    public void retire(Generation previous) {
        Listeners<T> listeners = byGeneration.get(previous);
        if (listeners != null) {
            listeners.forEach(retirement);
        }
    }

    /** Whether the current settings of main.cf or of any listener pass the test. */
    public boolean any(Predicate<T> test) {
        Listeners<T> listeners = forGeneration(current.get());
        return test.test(listeners.fallback()) || listeners.byPort().values().stream().anyMatch(test);
    }

    /**
     * The settings of the session's listener, in the session's generation; main.cf's for a session
     * without one (a hook called directly).
     */
    public T of(ProtocolSession session) {
        Generation generation = session == null || !reloads ? current.get() : SessionGeneration.of(session, current);
        return forGeneration(generation).at(session);
    }

    private Listeners<T> forGeneration(Generation generation) {
        Listeners<T> listeners = byGeneration.get(generation);
        if (listeners != null) {
            return listeners;
        }
        try {
            // Not prepared: a generation made without this component registered. The reload
            // checked the same configuration, so a failure here is a bug, not an operator's error.
            listeners = builder.build(generation);
        } catch (ConfigException e) {
            throw new IllegalStateException(e.getMessage(), e);
        }
        byGeneration.put(generation, listeners);
        return listeners;
    }
}
