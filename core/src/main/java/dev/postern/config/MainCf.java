package dev.postern.config;

import java.io.IOException;
import java.nio.charset.MalformedInputException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;

import org.apache.commons.configuration2.ConfigurationUtils;
import org.apache.commons.configuration2.ImmutableConfiguration;
import org.apache.commons.configuration2.MapConfiguration;

/**
 * A parsed, validated main.cf: every parameter Postern knows, with its effective value, and every
 * other name main.cf sets (Postfix parameters Postern does not implement, user-defined parameters).
 *
 * <p>Values follow Postfix: a value is expanded against the final raw values, so a reference
 * may come before the setting it refers to and a later setting of a name replaces an earlier
 * one everywhere it is used. Loading expands and type-checks every value (that is how undefined
 * names and loops become startup errors), and the results are kept, so reading a value never
 * fails for a known name.
 */
public final class MainCf {
    private final Path file;
    private final Map<String, String> raw;
    private final Map<String, String> expanded;
    private final Map<String, String> origins;
    private final SortedSet<String> explicit;
    private final ImmutableConfiguration configuration;
    private final List<String> warnings;

    MainCf(Path file, Map<String, String> raw, Map<String, String> expanded, Map<String, String> origins,
            Set<String> explicit, List<String> warnings) {
        this.file = file;
        this.raw = Collections.unmodifiableMap(new TreeMap<>(raw));
        this.expanded = Collections.unmodifiableMap(new TreeMap<>(expanded));
        this.origins = Collections.unmodifiableMap(new TreeMap<>(origins));
        this.explicit = Collections.unmodifiableSortedSet(new TreeSet<>(explicit));
        this.configuration = toConfiguration(this.expanded);
        this.warnings = List.copyOf(warnings);
    }

    /**
     * Reads and validates a main.cf, applying {@code POSTERN_name} overrides from
     * {@code environment} (normally {@code System.getenv()}).
     *
     * @throws ConfigException naming the file and line (or variable) at fault
     */
    public static MainCf load(Path file, Map<String, String> environment) throws ConfigException {
        List<String> lines;
        try {
            lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            throw new ConfigException(file + ": cannot read: no such file", e);
        } catch (MalformedInputException e) {
            throw new ConfigException(file + ": cannot read: not UTF-8 text", e);
        } catch (IOException e) {
            throw new ConfigException(file + ": cannot read: " + e, e);
        }
        return MainCfLoader.load(file.toString(), file, lines, environment);
    }

    /**
     * Parses main.cf text that is not read from disk (tests, generated configuration).
     *
     * @param fileNameForErrors the name errors and {@link #file()} use
     */
    public static MainCf parse(String fileNameForErrors, List<String> lines, Map<String, String> environment)
            throws ConfigException {
        return MainCfLoader.load(fileNameForErrors, Path.of(fileNameForErrors), lines, environment);
    }

    /**
     * This main.cf with {@code overrides} set on top, as master.cf's {@code -o name=value}
     * does for one service (Postern: one SMTP listener): they win over main.cf and the
     * environment, and are expanded and checked like main.cf values.
     *
     * @param origin where the overrides are written, for errors ({@code smtpserver.xml: listener submission})
     * @throws ConfigException naming {@code origin} and the parameter at fault
     */
    public MainCf withOverrides(Map<String, String> overrides, String origin) throws ConfigException {
        if (overrides.isEmpty()) {
            return this;
        }
        return MainCfLoader.override(this, overrides, origin);
    }

    /** Every parameter at its default: an empty main.cf named {@code main.cf}, no environment. */
    public static MainCf defaults() {
        try {
            return parse("main.cf", List.of(), Map.of());
        } catch (ConfigException e) {
            throw new IllegalStateException("built-in defaults do not load: " + e.getMessage(), e);
        }
    }

    /**
     * The effective value, fully {@code $}-expanded.
     *
     * @throws IllegalArgumentException for a name Postern does not know
     */
    public String get(String name) {
        return lookup(expanded, name);
    }

    /** The value before expansion: as written in main.cf or the environment, or the default. */
    public String raw(String name) {
        return lookup(raw, name);
    }

    /** The value split as a Postfix list (commas and/or white space; empty elements dropped). */
    public List<String> list(String name) {
        return PostfixList.split(get(name));
    }

    /** @throws IllegalArgumentException naming the parameter when the value is not yes or no */
    public boolean bool(String name) {
        return ParameterType.toBoolean(name, get(name));
    }

    /** A {@link ParameterType#TIME} value. @throws IllegalArgumentException naming the parameter */
    public java.time.Duration duration(String name) {
        return ParameterType.toDuration(name, get(name));
    }

    /** @throws IllegalArgumentException naming the parameter when the value is not a decimal integer */
    public long number(String name) {
        return ParameterType.toNumber(name, get(name));
    }

    /** A {@code postern_*_listen} value; empty when the listener is disabled. */
    public Optional<ListenAddress> listenAddress(String name) {
        return ListenAddress.parse(name, get(name));
    }

    /**
     * Where the value comes from, for messages that point an operator at it:
     * {@code FILE:LINE}, {@code environment variable POSTERN_name} or {@code built-in default}.
     */
    public String origin(String name) {
        return lookup(origins, name);
    }

    /**
     * What loading found worth a warning but not worth stopping for, one line each without the
     * {@code warning:} prefix: Postfix parameters Postern does not implement, set to something
     * other than Postfix's default, and unused user-defined parameters. {@link ConfigWarnings} adds them
     * to the start's and {@code postern check}'s warnings.
     */
    public List<String> warnings() {
        return warnings;
    }

    /**
     * Parameters set in main.cf or the environment (what {@code postconf -n} shows): Postern's,
     * Postfix's and user-defined names.
     */
    public Set<String> explicitNames() {
        return explicit;
    }

    /** Every parameter Postern knows. */
    public SortedSet<String> names() {
        return Parameters.names();
    }

    /** The main.cf this was read from (the name given to {@link #parse}). */
    public Path file() {
        return file;
    }

    /**
     * The expanded values as a Commons Configuration, for code written the James way. Values
     * are strings (use {@link #list} for lists), and Commons' own {@code ${...}} interpolation
     * is off: the values are already expanded, and a {@code $$} in main.cf must stay a literal.
     */
    public ImmutableConfiguration asConfiguration() {
        return configuration;
    }

    @Override
    public String toString() {
        return "MainCf[" + file + ", explicit=" + explicit + "]";
    }

    private static String lookup(Map<String, String> values, String name) {
        String value = values.get(name);
        if (value == null) {
            throw new IllegalArgumentException(Parameters.unknown(name));
        }
        return value;
    }

    private static ImmutableConfiguration toConfiguration(Map<String, String> values) {
        MapConfiguration configuration = new MapConfiguration(new HashMap<String, Object>(values));
        configuration.setInterpolator(null);
        return ConfigurationUtils.unmodifiableConfiguration(configuration);
    }
}
