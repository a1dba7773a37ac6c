package dev.postern.config;

/**
 * A component whose state is built from main.cf and can be built again for a new
 * {@link Generation}. Before a reload takes effect every registered component prepares for the
 * candidate, which checks it the way the start does (tables opened, restriction lists parsed);
 * one failure refuses the reload and the running generation stays.
 */
@FunctionalInterface
public interface Reloadable {
    /**
     * Builds (and may keep) this component's state for {@code candidate}, without using it yet.
     *
     * @throws ConfigException naming the parameter, table or listener at fault
     */
    void prepare(Generation candidate) throws ConfigException;

    /**
     * {@code previous} is no longer current: a reload replaced it, or the server stops. Releases
     * what only that generation held open (connections to policy services). Sessions that started
     * under it may still run with it, so what is retired must keep working, only without keeping
     * anything open. By default nothing to release.
     */
    default void retire(Generation previous) {
    }
}
