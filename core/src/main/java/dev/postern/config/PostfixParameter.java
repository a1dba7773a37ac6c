package dev.postern.config;

import java.util.Objects;

/**
 * One parameter that Postfix 3.7 defines, as the data file {@code postfix-parameters.tsv} lists it.
 *
 * @param name         Postfix's name
 * @param status       what Postern does with it ({@link ParameterStatus#IMPLEMENTED} exactly when
 *                     Postern's own table has the name)
 * @param safety       whether ignoring a setting could weaken the site's policy (a milter, a content
 *                     filter, a requirement on clients): such a setting stops the start unless
 *                     {@code postern_allow_unimplemented = yes}
 * @param postfixDefault the default as {@code postconf -d} prints it (Postfix's, not necessarily Postern's),
 *                     or {@link #HOST_DEPENDENT} where Postfix computes it on each host
 * @param note         for an inert parameter why no effect is needed, for a not-implemented one what
 *                     Postern does instead; empty for an implemented one
 */
public record PostfixParameter(String name, ParameterStatus status, boolean safety, String postfixDefault, String note) {
    /** The default column of a parameter whose Postfix default depends on the host (myhostname, mynetworks). */
    public static final String HOST_DEPENDENT = "(computed by Postfix on each host)";

    public PostfixParameter {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(status, "status");
        Objects.requireNonNull(postfixDefault, "postfixDefault");
        Objects.requireNonNull(note, "note");
    }

    /** Whether Postfix's default can be printed and compared: false for {@link #HOST_DEPENDENT} ones. */
    public boolean hasFixedDefault() {
        return !postfixDefault.equals(HOST_DEPENDENT);
    }
}
