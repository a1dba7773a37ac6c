package dev.postern.config;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;

/**
 * Parameters set through the environment: {@code POSTERN_} followed by the exact (lower-case)
 * parameter name, as containers are usually configured. Names starting with an upper-case
 * letter after the prefix ({@code POSTERN_HOME}, {@code POSTERN_OPTS}) belong to the launcher and
 * are left alone; any name starting with a lower-case letter (Postfix's few mixed-case ones such
 * as {@code smtp_tls_CAfile} included) must be Postern's or Postfix's parameter (unlike main.cf, the
 * environment defines no user parameters), so a typo cannot silently leave the default in place.
 */
final class EnvironmentOverrides {
    static final String PREFIX = "POSTERN_";

    private EnvironmentOverrides() {
    }

    /**
     * The overrides in {@code environment}, by parameter name, in variable-name order.
     *
     * @throws ConfigException {@code environment variable POSTERN_x: unknown parameter "x"}
     */
    static Map<String, ParameterExpander.Definition> from(Map<String, String> environment) throws ConfigException {
        Map<String, ParameterExpander.Definition> overrides = new LinkedHashMap<>();
        for (Map.Entry<String, String> variable : new TreeMap<>(environment).entrySet()) {
            String key = variable.getKey();
            if (!key.startsWith(PREFIX)) {
                continue;
            }
            String name = key.substring(PREFIX.length());
            if (!name.matches("[a-z0-9][A-Za-z0-9_]*")) {
                continue;
            }
            String origin = "environment variable " + key;
            if (!Parameters.isKnown(name) && !PostfixParameters.defines(name)) {
                throw new ConfigException(origin + ": " + Parameters.unknown(name));
            }
            overrides.put(name, new ParameterExpander.Definition(singleLine(variable.getValue()), origin));
        }
        return overrides;
    }

    /** Line breaks in a variable act like main.cf continuation lines, so a value stays one line. */
    private static String singleLine(String value) {
        return value.strip().replaceAll("\\s*[\\r\\n]+\\s*", " ");
    }
}
