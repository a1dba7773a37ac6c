package dev.postern.config;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.SortedSet;
import java.util.TreeSet;

/**
 * What Postfix's {@code postconf} prints for main.cf parameters: {@code name = value} lines.
 *
 * <p>Like Postfix, values are shown as written (or as defaulted), {@code $name} unexpanded,
 * unless expansion is asked for ({@code postconf -x}); {@code -n} shows only the parameters
 * main.cf (or, here, the environment) sets; {@code -d} shows defaults: Postern's for the
 * parameters it implements, Postfix's for the others. White space is normalised to single
 * spaces, as Postfix prints it, so an empty value prints as {@code name =}. Postern's own
 * {@code --status} prints {@code name<TAB>status} for Postfix's parameters and Postern's.
 */
public final class Postconf {
    /** The options {@link #run} understands, for usage messages. */
    public static final String USAGE = "usage: postern postconf [-n | -d | --status] [-x] [name...]";

    private Postconf() {
    }

    /**
     * {@code postern postconf [-n | -d | --status] [-x] [name...]}.
     *
     * @return 0; 1 when a name is unknown
     * @throws IllegalArgumentException for an unknown option or a combination that means nothing
     */
    public static int run(MainCf cf, List<String> arguments, PrintStream out, PrintStream err) {
        List<String> names = new ArrayList<>();
        List<String> options = new ArrayList<>();
        for (String argument : arguments) {
            if (argument.startsWith("-")) {
                if (!List.of("-n", "-d", "-x", "--status").contains(argument)) {
                    throw new IllegalArgumentException("postconf: unknown option \"" + argument + "\"; " + USAGE);
                }
                options.add(argument);
            } else {
                names.add(argument);
            }
        }
        long modes = options.stream().filter(option -> !option.equals("-x")).distinct().count();
        if (modes > 1) {
            throw new IllegalArgumentException("postconf: -n, -d and --status exclude each other; " + USAGE);
        }
        if (options.contains("--status")) {
            return status(cf, names, out, err);
        }
        if (options.contains("-d")) {
            return defaults(names, out, err);
        }
        return print(cf, options.contains("-n"), options.contains("-x"), names, out, err);
    }

    /**
     * {@code postconf [-n] [name...]}: values as written, {@code $} references unexpanded.
     *
     * @return 0, or 1 when a name is unknown
     */
    public static int print(MainCf cf, boolean nonDefaultOnly, List<String> names, PrintStream out, PrintStream err) {
        return print(cf, nonDefaultOnly, false, names, out, err);
    }

    /**
     * {@code postconf [-n] [-x] [name...]}.
     *
     * @param nonDefaultOnly {@code -n}: only parameters set in main.cf or the environment
     * @param expand         {@code -x}: print fully expanded values
     * @param names          the parameters to print, in this order; all of Postern's (sorted) when empty
     * @param err            gets {@code postconf: warning: NAME: unknown parameter} per unknown name
     * @return 0, or 1 when a name is unknown (Postfix only warns; a script here can tell)
     */
    public static int print(MainCf cf, boolean nonDefaultOnly, boolean expand, List<String> names,
            PrintStream out, PrintStream err) {
        Collection<String> selected = !names.isEmpty() ? names
                : nonDefaultOnly ? cf.explicitNames() : cf.names();
        int status = 0;
        for (String name : selected) {
            boolean set = cf.explicitNames().contains(name);
            if (set || Parameters.isKnown(name)) {
                if (!nonDefaultOnly || set) {
                    out.print(line(name, expand ? cf.get(name) : cf.raw(name)) + "\n");
                }
            } else if (PostfixParameters.defines(name)) {
                if (!nonDefaultOnly) {
                    // A Postfix parameter main.cf leaves alone has Postfix's default, as postconf shows it.
                    out.print(line(name, PostfixParameters.find(name).orElseThrow().postfixDefault()) + "\n");
                }
            } else {
                status = unknown(name, err);
            }
        }
        return status;
    }

    /**
     * {@code postconf -d [name...]}: Postern's default for what it implements, Postfix's for the rest
     * of Postfix's parameters (what Postfix would do; Postern ignores them).
     */
    static int defaults(List<String> names, PrintStream out, PrintStream err) {
        MainCf defaults = MainCf.defaults();
        int status = 0;
        for (String name : names.isEmpty() ? allNames() : names) {
            Optional<String> value = Parameters.isKnown(name) ? Optional.of(defaults.raw(name))
                : PostfixParameters.find(name).map(PostfixParameter::postfixDefault);
            if (value.isPresent()) {
                out.print(line(name, value.get()) + "\n");
            } else {
                status = unknown(name, err);
            }
        }
        return status;
    }

    /**
     * {@code postconf --status [name...]}: {@code name<TAB>implemented|inert|not-implemented}, with
     * {@code user-defined} for a name only main.cf defines; all of Postfix's and Postern's names when
     * none is given.
     */
    static int status(MainCf cf, List<String> names, PrintStream out, PrintStream err) {
        int status = 0;
        for (String name : names.isEmpty() ? allNames() : names) {
            Optional<String> label = PostfixParameters.status(name).map(ParameterStatus::label)
                .or(() -> cf.explicitNames().contains(name) ? Optional.of("user-defined") : Optional.empty());
            if (label.isPresent()) {
                out.print(name + "\t" + label.get() + "\n");
            } else {
                status = unknown(name, err);
            }
        }
        return status;
    }

    private static SortedSet<String> allNames() {
        SortedSet<String> names = new TreeSet<>(Parameters.names());
        PostfixParameters.all().forEach(parameter -> names.add(parameter.name()));
        return names;
    }

    private static int unknown(String name, PrintStream err) {
        err.print("postconf: warning: " + name + ": unknown parameter\n");
        return 1;
    }

    /** {@code name = value}, with runs of white space collapsed as postconf does. */
    static String line(String name, String value) {
        return (name + " = " + value).strip().replaceAll("[ \\t\\r\\n]+", " ");
    }
}
