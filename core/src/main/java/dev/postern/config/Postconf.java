package dev.postern.config;

import java.io.PrintStream;
import java.util.Collection;
import java.util.List;

/**
 * What Postfix's {@code postconf} prints for main.cf parameters: {@code name = value} lines.
 *
 * <p>Like Postfix, values are shown as written (or as defaulted), {@code $name} unexpanded,
 * unless expansion is asked for ({@code postconf -x}); {@code -n} shows only the parameters
 * main.cf (or, here, the environment) sets. White space is normalised to single spaces, as
 * Postfix prints it, so an empty value prints as {@code name =}.
 */
public final class Postconf {
    private Postconf() {
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
     * @param names          the parameters to print, in this order; all (sorted) when empty
     * @param err            gets {@code postconf: warning: NAME: unknown parameter} per unknown name
     * @return 0, or 1 when a name is unknown (Postfix only warns; a script here can tell)
     */
    public static int print(MainCf cf, boolean nonDefaultOnly, boolean expand, List<String> names,
            PrintStream out, PrintStream err) {
        Collection<String> selected = !names.isEmpty() ? names
                : nonDefaultOnly ? cf.explicitNames() : cf.names();
        int status = 0;
        for (String name : selected) {
            if (!Parameters.isKnown(name)) {
                err.print("postconf: warning: " + name + ": unknown parameter\n");
                status = 1;
            } else if (!nonDefaultOnly || cf.explicitNames().contains(name)) {
                out.print(line(name, expand ? cf.get(name) : cf.raw(name)) + "\n");
            }
        }
        return status;
    }

    /** {@code name = value}, with runs of white space collapsed as postconf does. */
    static String line(String name, String value) {
        return (name + " = " + value).strip().replaceAll("[ \\t\\r\\n]+", " ");
    }
}
