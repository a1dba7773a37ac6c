package dev.postern.config;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Turns main.cf lines and the environment into a {@link MainCf}, checking everything an
 * operator can get wrong before the server starts: syntax, names, references, loops, types.
 * The first problem, in file order, is the one reported.
 */
final class MainCfLoader {
    private MainCfLoader() {
    }

    static MainCf load(String fileName, Path file, List<String> lines, Map<String, String> environment)
            throws ConfigException {
        Map<String, ParameterExpander.Definition> explicit = fromFile(fileName, lines, declaredClasses(lines, environment));
        for (Map.Entry<String, ParameterExpander.Definition> override : EnvironmentOverrides.from(environment).entrySet()) {
            // The environment wins over main.cf, before expansion, so $name users see it too.
            explicit.remove(override.getKey());
            explicit.put(override.getKey(), override.getValue());
        }
        return build(file, explicit);
    }

    /**
     * {@code base} with some parameters set again, as master.cf's {@code -o name=value} sets
     * them for one service: the new values win over main.cf and the environment, are expanded
     * like main.cf values, and are checked the same way.
     *
     * @param origin where the overrides are written, for errors and {@link MainCf#origin}
     */
    static MainCf override(MainCf base, Map<String, String> overrides, String origin) throws ConfigException {
        Map<String, ParameterExpander.Definition> explicit = new LinkedHashMap<>();
        for (String name : base.explicitNames()) {
            explicit.put(name, new ParameterExpander.Definition(base.raw(name), base.origin(name)));
        }
        List<String> classNames = overrides.containsKey(RESTRICTION_CLASSES)
            ? PostfixList.split(overrides.get(RESTRICTION_CLASSES)) : base.list(RESTRICTION_CLASSES);
        for (Map.Entry<String, String> override : overrides.entrySet()) {
            String name = override.getKey();
            if (!Parameters.isKnown(name) && !classNames.contains(name)) {
                throw new ConfigException(origin + ": " + Parameters.unknown(name));
            }
            explicit.remove(name);
            explicit.put(name, new ParameterExpander.Definition(override.getValue(), origin));
        }
        return build(base.file(), explicit);
    }

    private static MainCf build(Path file, Map<String, ParameterExpander.Definition> explicit) throws ConfigException {
        checkClasses(explicit);

        ParameterExpander expander = new ParameterExpander(explicit);
        Map<String, String> raw = new TreeMap<>();
        Map<String, String> expanded = new TreeMap<>();
        Map<String, String> origins = new TreeMap<>();
        for (String name : validationOrder(explicit)) {
            String value;
            try {
                value = expander.expand(name);
            } catch (Expander.Failure failure) {
                throw new ConfigException(expander.origin(failure.parameter()) + ": "
                        + failure.parameter() + ": " + failure.reason());
            }
            try {
                if (Parameters.isKnown(name)) {
                    Parameters.get(name).type().check(name, value);
                }
                value = FileValue.resolve(name, value);
            } catch (IllegalArgumentException e) {
                throw new ConfigException(expander.origin(name) + ": " + e.getMessage());
            }
            expanded.put(name, value);
            raw.put(name, expander.raw(name));
            origins.put(name, expander.origin(name));
        }
        return new MainCf(file, raw, expanded, origins, explicit.keySet());
    }

    /** The file's settings, in file order, a later setting of a name replacing an earlier one. */
    private static Map<String, ParameterExpander.Definition> fromFile(String fileName, List<String> lines,
            List<String> classNames) throws ConfigException {
        Map<String, ParameterExpander.Definition> settings = new LinkedHashMap<>();
        for (MainCfParser.Entry entry : MainCfParser.parse(lines)) {
            String where = fileName + ":" + entry.line();
            if (entry instanceof MainCfParser.Malformed malformed) {
                throw new ConfigException(where + ": " + malformed.reason());
            }
            MainCfParser.Setting setting = (MainCfParser.Setting) entry;
            if (!Parameters.isKnown(setting.name()) && !classNames.contains(setting.name())) {
                throw new ConfigException(where + ": " + Parameters.unknown(setting.name()));
            }
            // Re-inserting keeps the map in the order of the settings that take effect.
            settings.remove(setting.name());
            settings.put(setting.name(), new ParameterExpander.Definition(setting.value(), where));
        }
        return settings;
    }

    /**
     * The restriction classes named in {@code smtpd_restriction_classes} (Postfix's one kind of
     * user-defined parameter: each is then set as {@code name = restriction list}), from the
     * environment or else the file's last setting, read before the names are checked so that
     * an unknown name is still reported at its own line.
     */
    private static List<String> declaredClasses(List<String> lines, Map<String, String> environment) {
        String fromEnvironment = environment.get(EnvironmentOverrides.PREFIX + RESTRICTION_CLASSES);
        if (fromEnvironment != null) {
            return PostfixList.split(fromEnvironment);
        }
        List<String> names = List.of();
        for (MainCfParser.Entry entry : MainCfParser.parse(lines)) {
            if (entry instanceof MainCfParser.Setting setting && setting.name().equals(RESTRICTION_CLASSES)) {
                names = PostfixList.split(setting.value());
            }
        }
        return names;
    }

    /** A declared class must be defined and must not take a parameter's name. */
    private static void checkClasses(Map<String, ParameterExpander.Definition> explicit) throws ConfigException {
        ParameterExpander.Definition classes = explicit.get(RESTRICTION_CLASSES);
        List<String> classNames = classes == null ? List.of() : PostfixList.split(classes.raw());
        for (String name : classNames) {
            if (Parameters.isKnown(name)) {
                throw new ConfigException(classes.origin() + ": " + RESTRICTION_CLASSES + ": \"" + name
                    + "\" is a parameter name, not a new restriction class");
            }
            if (!explicit.containsKey(name)) {
                throw new ConfigException(classes.origin() + ": " + RESTRICTION_CLASSES + ": class \"" + name
                    + "\" has no definition (add a line: " + name + " = restriction list)");
            }
        }
    }

    private static final String RESTRICTION_CLASSES = "smtpd_restriction_classes";

    /** Explicit settings in the order they were written (so errors follow the file), then defaults. */
    private static List<String> validationOrder(Map<String, ParameterExpander.Definition> explicit) {
        List<String> order = new ArrayList<>(explicit.keySet());
        for (String name : Parameters.names()) {
            if (!explicit.containsKey(name)) {
                order.add(name);
            }
        }
        return order;
    }
}
