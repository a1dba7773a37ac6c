package dev.postern.config;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Turns main.cf lines and the environment into a {@link MainCf}, checking everything an
 * operator can get wrong before the server starts: syntax, names, references, loops, types.
 * Every problem is collected and all of them are reported at once, in file order, so that one
 * run of {@code postern check} lists everything to fix. Names that are not Postern's are judged
 * by {@link ParameterNameCheck}: Postfix's are accepted (inert ones silently, not-implemented ones
 * with a warning), any other is a user-defined parameter usable as {@code $name}.
 */
final class MainCfLoader {
    private MainCfLoader() {
    }

    static MainCf load(String fileName, Path file, List<String> lines, Map<String, String> environment)
            throws ConfigException {
        List<String> problems = new ArrayList<>();
        Map<String, ParameterExpander.Definition> explicit = fromFile(fileName, lines, problems);
        Map<String, ParameterExpander.Definition> overrides;
        try {
            overrides = EnvironmentOverrides.from(environment);
        } catch (ConfigException e) {
            problems.add(e.getMessage());
            overrides = Map.of();
        }
        for (Map.Entry<String, ParameterExpander.Definition> override : overrides.entrySet()) {
            // The environment wins over main.cf, before expansion, so $name users see it too.
            explicit.remove(override.getKey());
            explicit.put(override.getKey(), override.getValue());
        }
        return build(file, explicit, problems);
    }

    /**
     * {@code base} with some parameters set again, as master.cf's {@code -o name=value} sets
     * them for one service: the new values win over main.cf and the environment, are expanded
     * like main.cf values, and are checked the same way. A name must be Postern's, Postfix's, a
     * restriction class, or a user-defined parameter main.cf already sets.
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
        List<String> problems = new ArrayList<>();
        for (Map.Entry<String, String> override : overrides.entrySet()) {
            String name = override.getKey();
            boolean known = Parameters.isKnown(name) || PostfixParameters.defines(name)
                || classNames.contains(name) || explicit.containsKey(name);
            if (!known) {
                problems.add(origin + ": " + Parameters.unknown(name));
                continue;
            }
            explicit.remove(name);
            explicit.put(name, new ParameterExpander.Definition(override.getValue(), origin));
        }
        return build(base.file(), explicit, problems);
    }

    private static MainCf build(Path file, Map<String, ParameterExpander.Definition> explicit, List<String> problems)
            throws ConfigException {
        List<String> classNames = classNames(explicit);
        checkClasses(explicit, classNames, problems);

        ParameterExpander expander = new ParameterExpander(explicit);
        Map<String, String> raw = new TreeMap<>();
        Map<String, String> expanded = new TreeMap<>();
        Map<String, String> origins = new TreeMap<>();
        Set<String> faulty = new HashSet<>();
        for (String name : validationOrder(explicit)) {
            origins.put(name, expander.origin(name));
            if (!Parameters.isKnown(name) && !classNames.contains(name)) {
                // Postfix's and user-defined names: a value that cannot be expanded only matters
                // to the parameters that use it, which report it themselves.
                raw.put(name, explicit.get(name).raw());
                expanded.put(name, expandedOrRaw(expander, name));
                continue;
            }
            try {
                String value = expander.expand(name);
                if (Parameters.isKnown(name)) {
                    Parameters.get(name).type().check(name, value);
                }
                value = FileValue.resolve(name, value);
                expanded.put(name, value);
                raw.put(name, expander.raw(name));
            } catch (Expander.Failure failure) {
                // One fault is reported once, not again by every parameter that uses the faulty one.
                if (faulty.add(failure.parameter())) {
                    faulty.addAll(failure.involved());
                    problems.add(expander.origin(failure.parameter()) + ": " + failure.parameter() + ": "
                        + failure.reason());
                }
            } catch (IllegalArgumentException e) {
                problems.add(expander.origin(name) + ": " + e.getMessage());
            }
        }
        ParameterNameCheck.Outcome names = ParameterNameCheck.check(explicit, classNames, allowUnimplemented(expanded));
        problems.addAll(names.problems());
        if (!problems.isEmpty()) {
            throw new ConfigException(describe(problems));
        }
        return new MainCf(file, raw, expanded, origins, explicit.keySet(), names.warnings());
    }

    private static String expandedOrRaw(ParameterExpander expander, String name) {
        try {
            return expander.expand(name);
        } catch (Expander.Failure failure) {
            return expander.rawSetting(name);
        }
    }

    private static boolean allowUnimplemented(Map<String, String> expanded) {
        try {
            return ParameterType.toBoolean(ParameterNameCheck.ALLOW_UNIMPLEMENTED,
                expanded.getOrDefault(ParameterNameCheck.ALLOW_UNIMPLEMENTED, "no"));
        } catch (IllegalArgumentException e) {
            return false; // already reported as a problem of its own
        }
    }

    /** One problem as it is; several, one a line under a count, in file order (the environment's last). */
    private static String describe(List<String> problems) {
        List<String> distinct = problems.stream().distinct()
            .sorted(Comparator.comparingInt(MainCfLoader::lineOf))
            .toList();
        if (distinct.size() == 1) {
            return distinct.get(0);
        }
        return distinct.size() + " problems:\n  " + String.join("\n  ", distinct);
    }

    /** The line a {@code FILE:LINE: reason} problem names; problems without a line sort last. */
    private static int lineOf(String problem) {
        Matcher matcher = FILE_LINE.matcher(problem);
        return matcher.lookingAt() ? Integer.parseInt(matcher.group(1)) : Integer.MAX_VALUE;
    }

    private static final Pattern FILE_LINE = Pattern.compile("[^:]+:(\\d+): ");

    /** The file's settings, in file order, a later setting of a name replacing an earlier one. */
    private static Map<String, ParameterExpander.Definition> fromFile(String fileName, List<String> lines,
            List<String> problems) {
        Map<String, ParameterExpander.Definition> settings = new LinkedHashMap<>();
        for (MainCfParser.Entry entry : MainCfParser.parse(lines)) {
            String where = fileName + ":" + entry.line();
            if (entry instanceof MainCfParser.Malformed malformed) {
                problems.add(where + ": " + malformed.reason());
                continue;
            }
            MainCfParser.Setting setting = (MainCfParser.Setting) entry;
            // Re-inserting keeps the map in the order of the settings that take effect.
            settings.remove(setting.name());
            settings.put(setting.name(), new ParameterExpander.Definition(setting.value(), where));
        }
        return settings;
    }

    /**
     * The restriction classes named in {@code smtpd_restriction_classes} (each is then set as
     * {@code name = restriction list}), as the settings in effect declare them.
     */
    private static List<String> classNames(Map<String, ParameterExpander.Definition> explicit) {
        ParameterExpander.Definition classes = explicit.get(RESTRICTION_CLASSES);
        return classes == null ? List.of() : PostfixList.split(classes.raw());
    }

    /** A declared class must be defined and must not take a parameter's name. */
    private static void checkClasses(Map<String, ParameterExpander.Definition> explicit, List<String> classNames,
            List<String> problems) {
        ParameterExpander.Definition classes = explicit.get(RESTRICTION_CLASSES);
        for (String name : classNames) {
            if (Parameters.isKnown(name) || PostfixParameters.defines(name)) {
                problems.add(classes.origin() + ": " + RESTRICTION_CLASSES + ": \"" + name
                    + "\" is a parameter name, not a new restriction class");
            } else if (!explicit.containsKey(name)) {
                problems.add(classes.origin() + ": " + RESTRICTION_CLASSES + ": class \"" + name
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
