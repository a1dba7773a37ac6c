package dev.postern.config;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The server's current {@link Generation}, which a reload replaces as a whole (one atomic swap, so
 * a reader never sees half of a new configuration). Components register as {@link Reloadable}
 * when they build their state; a reload asks each of them to prepare for the candidate before
 * the swap, so a configuration the start would refuse is refused by the reload too.
 */
public final class LiveConfiguration {
    private final AtomicReference<Generation> current;
    private final List<Reloadable> components = new CopyOnWriteArrayList<>();

    public LiveConfiguration(MainCf mainCf, SmtpdListeners listeners) {
        this.current = new AtomicReference<>(new Generation(0, mainCf, listeners));
    }

    public Generation current() {
        return current.get();
    }

    public void register(Reloadable component) {
        components.add(component);
    }

    /**
     * Makes {@code mainCf} (with {@code listeners}, its listeners' overrides applied) the current
     * configuration once every registered component has prepared for it. Reloads run one at a time.
     *
     * @return the new current generation
     * @throws ConfigException from the first component that cannot use it; nothing changed then
     */
    public synchronized Generation reload(MainCf mainCf, SmtpdListeners listeners) throws ConfigException {
        Generation candidate = current.get().next(mainCf, listeners);
        for (Reloadable component : components) {
            component.prepare(candidate);
        }
        Generation previous = current.getAndSet(candidate);
        components.forEach(component -> component.retire(previous));
        return candidate;
    }

    /** The server stops: every component retires the current generation. */
    public synchronized void retireCurrent() {
        Generation last = current.get();
        components.forEach(component -> component.retire(last));
    }
}
