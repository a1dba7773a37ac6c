package dev.postern.config;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * What the names a main.cf sets mean when they are not Postern's own, all of them in one pass so
 * that one run reports every problem:
 * <ul>
 * <li>a Postfix parameter that is <em>inert</em> here is accepted silently;</li>
 * <li>a Postfix parameter that is <em>not implemented</em> and set to something other than
 *     Postfix's default is ignored with a warning saying what Postern does instead; where ignoring
 *     it could weaken the site's policy (its safety flag) it is a problem that stops the start,
 *     unless {@code postern_allow_unimplemented = yes};</li>
 * <li>any other name is a user-defined parameter, as in Postfix: fine when a {@code $name} in
 *     some value uses it, else Postfix's {@code unused parameter} warning with a suggestion.</li>
 * </ul>
 */
final class ParameterNameCheck {
    /** Warnings (the start goes on) and problems (it does not), each one line naming where. */
    record Outcome(List<String> warnings, List<String> problems) {
    }

    static final String ALLOW_UNIMPLEMENTED = "postern_allow_unimplemented";

    /** {@code $name}, {@code ${name...}} and {@code $(name...)}; {@code $$} is a literal dollar. */
    private static final Pattern REFERENCE = Pattern.compile("\\$(?:\\$|[{(]?([A-Za-z0-9_]+))");
    private static final Pattern FILE_LINE = Pattern.compile("(.*):(\\d+)");
    private static final int SUGGESTION_DISTANCE = 2;

    private ParameterNameCheck() {
    }

    /**
     * @param explicit           the settings in effect (main.cf, environment, overrides), in order
     * @param classNames         the restriction classes declared in smtpd_restriction_classes
     * @param allowUnimplemented the value of postern_allow_unimplemented
     */
    static Outcome check(Map<String, ParameterExpander.Definition> explicit, Collection<String> classNames,
            boolean allowUnimplemented) {
        Set<String> referenced = referencedNames(explicit.values());
        List<String> warnings = new ArrayList<>();
        List<String> problems = new ArrayList<>();
        for (Map.Entry<String, ParameterExpander.Definition> setting : explicit.entrySet()) {
            String name = setting.getKey();
            ParameterExpander.Definition definition = setting.getValue();
            if (Parameters.isKnown(name) || classNames.contains(name)) {
                continue;
            }
            Optional<PostfixParameter> postfix = PostfixParameters.find(name);
            if (postfix.isEmpty()) {
                if (!referenced.contains(name)) {
                    warnings.add(location(definition.origin()) + ": unused parameter: " + name + "=" + definition.raw()
                        + didYouMean(name));
                }
                continue;
            }
            PostfixParameter parameter = postfix.get();
            if (parameter.status() != ParameterStatus.NOT_IMPLEMENTED || isPostfixDefault(parameter, definition.raw())) {
                continue;
            }
            if (parameter.safety() && !allowUnimplemented) {
                problems.add(definition.origin() + ": " + name + " is a Postfix parameter that Postern does not"
                    + " implement, and ignoring it could weaken this site's policy: " + parameter.note()
                    + " (remove the setting, or set " + ALLOW_UNIMPLEMENTED + " = yes to run without it)");
            } else {
                warnings.add(location(definition.origin()) + ": " + name + " is a Postfix parameter that Postern does"
                    + " not implement; the setting is ignored" + (parameter.safety() ? " (" + ALLOW_UNIMPLEMENTED
                    + " = yes)" : "") + ": " + parameter.note());
            }
        }
        return new Outcome(List.copyOf(warnings), List.copyOf(problems));
    }

    /** Every name some value refers to, as Postfix counts a user-defined parameter as used. */
    static Set<String> referencedNames(Collection<ParameterExpander.Definition> definitions) {
        Set<String> names = new HashSet<>();
        for (ParameterExpander.Definition definition : definitions) {
            Matcher matcher = REFERENCE.matcher(definition.raw());
            while (matcher.find()) {
                if (matcher.group(1) != null) {
                    names.add(matcher.group(1));
                }
            }
        }
        return names;
    }

    /**
     * A setting equal to Postfix's default asks for nothing Postern would have to do (an empty
     * {@code smtpd_milters}, {@code disable_vrfy_command = no}); lists compare element by element.
     */
    private static boolean isPostfixDefault(PostfixParameter parameter, String raw) {
        return parameter.hasFixedDefault() && PostfixList.split(raw).equals(PostfixList.split(parameter.postfixDefault()));
    }

    /** {@code FILE:LINE} as Postfix's warnings write it, {@code FILE, line LINE}; other origins as they are. */
    private static String location(String origin) {
        Matcher matcher = FILE_LINE.matcher(origin);
        return matcher.matches() ? matcher.group(1) + ", line " + matcher.group(2) : origin;
    }

    /** The closest name of Postern's or Postfix's, for a misspelt name. */
    private static String didYouMean(String name) {
        return Stream.concat(Parameters.names().stream(), PostfixParameters.all().stream().map(PostfixParameter::name))
            .distinct()
            .filter(candidate -> EditDistance.between(name, candidate) <= SUGGESTION_DISTANCE)
            .min(Comparator.<String>comparingInt(candidate -> EditDistance.between(name, candidate))
                .thenComparing(Comparator.naturalOrder()))
            .map(candidate -> " (did you mean \"" + candidate + "\"?)")
            .orElse("");
    }
}
