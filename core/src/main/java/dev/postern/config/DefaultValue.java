package dev.postern.config;

import java.util.Objects;
import java.util.function.Function;

/**
 * What a parameter is worth when neither main.cf nor the environment sets it.
 *
 * <p>Most defaults are plain main.cf text ({@link Literal}), expanded like any other value.
 * A few cannot be written in main.cf syntax because Postfix computes them in code (the machine
 * name, "myhostname minus its first label"); those are {@link Derived}, and their result is
 * final text that is not expanded again.
 */
public sealed interface DefaultValue permits DefaultValue.Literal, DefaultValue.Derived {

    /** A default written as main.cf would write it, {@code $} references included. */
    static DefaultValue of(String raw) {
        return new Literal(raw);
    }

    /**
     * A default computed when the configuration is loaded.
     *
     * @param description how it is computed, for documentation
     */
    static DefaultValue derived(String description, Function<DefaultContext, String> compute) {
        return new Derived(description, compute);
    }

    /** A default written in main.cf syntax. */
    record Literal(String raw) implements DefaultValue {
        public Literal {
            Objects.requireNonNull(raw, "raw");
        }
    }

    /** A default computed from the machine and from other parameters. */
    record Derived(String description, Function<DefaultContext, String> compute) implements DefaultValue {
        public Derived {
            Objects.requireNonNull(description, "description");
            Objects.requireNonNull(compute, "compute");
        }
    }
}
