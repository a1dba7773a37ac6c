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
        if (!name.matches("[a-z0-9][A-Za-z0-9_]*")) {
            // Environment overrides rely on names starting in lower case (POSTERN_name): the
            // others belong to the launcher. Postfix has a few mixed-case names (smtp_tls_CAfile).
            throw new IllegalArgumentException("parameter names start with a lower-case letter or digit and hold letters, digits and '_': " + name);
        }
    }
}
