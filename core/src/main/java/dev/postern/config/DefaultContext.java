package dev.postern.config;

/**
 * What a {@link DefaultValue.Derived} default may look at while the configuration is loaded.
 * References made through {@link #expand} take part in loop detection like {@code $name} does.
 */
public interface DefaultContext {

    /**
     * This machine's host name as the operating system reports it (fully qualified when
     * the resolver knows it). Looked up at most once per load.
     */
    String machineHostname();

    /** The fully expanded value of another parameter. */
    String expand(String name);

    /** Whether main.cf or the environment sets the parameter (as opposed to its default). */
    boolean isExplicit(String name);
}
