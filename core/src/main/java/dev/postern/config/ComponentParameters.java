package dev.postern.config;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

/**
 * The parameters one mailet, matcher or SMTP hook instance sees: the main.cf value of
 * each Postfix name, unless the instance's own XML configuration sets an element of the
 * same name (the equivalent of a master.cf {@code -o name=value} override). An override
 * is taken literally, without {@code $name} expansion.
 *
 * <p>Inside Postern's assembly the parsed main.cf is injected. In a stock James server
 * there is none, so the component names the file with an init parameter {@code mainCf}.
 */
public final class ComponentParameters {
    public static final String MAIN_CF_PARAMETER = "mainCf";

    private final MainCf mainCf;
    private final Function<String, Optional<String>> overrides;

    private ComponentParameters(MainCf mainCf, Function<String, Optional<String>> overrides) {
        this.mainCf = mainCf;
        this.overrides = overrides;
    }

    /**
     * @param injected the main.cf bound by Postern's assembly, or null in a stock James server
     * @param overrides the instance's own configuration: init parameter or XML element by name
     * @param component names the component in errors
     */
    public static ComponentParameters of(MainCf injected, Function<String, Optional<String>> overrides, String component)
            throws ConfigException {
        if (injected != null) {
            return new ComponentParameters(injected, overrides);
        }
        Optional<String> file = overrides.apply(MAIN_CF_PARAMETER).filter(s -> !s.isBlank());
        if (file.isEmpty()) {
            throw new ConfigException(component + ": no main.cf: outside Postern's assembly set the '"
                + MAIN_CF_PARAMETER + "' parameter to the path of main.cf");
        }
        return new ComponentParameters(MainCf.load(Path.of(file.get()), Map.of()), overrides);
    }

    public String get(String name) {
        return overrides.apply(name).orElseGet(() -> mainCf.get(name));
    }

    /** Postfix list syntax: items separated by commas and/or white space. */
    public List<String> list(String name) {
        Optional<String> override = overrides.apply(name);
        if (override.isEmpty()) {
            return mainCf.list(name);
        }
        return PostfixList.split(override.get());
    }

    public long number(String name) {
        Optional<String> override = overrides.apply(name);
        if (override.isEmpty()) {
            return mainCf.number(name);
        }
        try {
            return Long.parseLong(override.get().trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(name + ": not a number: \"" + override.get() + "\"");
        }
    }

    /** A Postfix time value ({@code 300s}, {@code 5d}); a bare number is seconds. */
    public java.time.Duration duration(String name) {
        return ParameterType.toDuration(name, get(name));
    }

    public boolean bool(String name) {
        return ParameterType.toBoolean(name, get(name).trim());
    }

    public MainCf mainCf() {
        return mainCf;
    }
}
