package dev.postern.config;

import java.util.Objects;

/**
 * One row of the {@link Parameters} table.
 *
 * @param name         the main.cf name (Postfix's name, or {@code postern_...} when Postfix has none)
 * @param type         what the expanded value must look like
 * @param defaultValue the value when main.cf and the environment leave it unset
 * @param description  one line saying what it controls
 */
public record Parameter(String name, ParameterType type, DefaultValue defaultValue, String description) {
    public Parameter {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(defaultValue, "defaultValue");
        Objects.requireNonNull(description, "description");
        if (!name.matches("[a-z0-9_]+")) {
            // Environment overrides rely on names being lower case (POSTERN_name).
            throw new IllegalArgumentException("parameter names are lower-case letters, digits and '_': " + name);
        }
    }
}
