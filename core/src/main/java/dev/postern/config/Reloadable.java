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
}
