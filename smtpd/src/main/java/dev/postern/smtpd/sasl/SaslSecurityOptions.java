package dev.postern.smtpd.sasl;

import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

import dev.postern.config.ConfigException;

/**
 * {@code smtpd_sasl_security_options} (or {@code smtpd_sasl_tls_security_options} once the session
 * is encrypted): the {@code no*} options hide the mechanisms that have the property, the others
 * ({@code mutual_auth}, {@code forward_secrecy}) offer only the mechanisms that have it. Dovecot's
 * {@code private} mechanisms are never offered.
 */
public final class SaslSecurityOptions {
    /** Each option that hides mechanisms, and the property it hides. */
    private static final Map<String, String> EXCLUDING = Map.of(
        "noanonymous", SaslMechanism.ANONYMOUS,
        "noplaintext", SaslMechanism.PLAINTEXT,
        "nodictionary", SaslMechanism.DICTIONARY,
        "noactive", SaslMechanism.ACTIVE);
    /** Each option that requires a property. */
    private static final Map<String, String> REQUIRING = Map.of(
        "mutual_auth", SaslMechanism.MUTUAL_AUTH,
        "forward_secrecy", SaslMechanism.FORWARD_SECRECY);

    private final Set<String> excluded;
    private final Set<String> required;

    private SaslSecurityOptions(Set<String> excluded, Set<String> required) {
        this.excluded = Set.copyOf(excluded);
        this.required = Set.copyOf(required);
    }

    /** An unknown option is an error naming the parameter, as Postfix refuses one. */
    public static SaslSecurityOptions parse(String parameter, List<String> options) throws ConfigException {
        Set<String> excluded = new java.util.HashSet<>();
        Set<String> required = new java.util.HashSet<>();
        for (String option : options) {
            String name = option.trim().toLowerCase(Locale.ROOT);
            if (name.isEmpty()) {
                continue;
            }
            if (EXCLUDING.containsKey(name)) {
                excluded.add(EXCLUDING.get(name));
            } else if (REQUIRING.containsKey(name)) {
                required.add(REQUIRING.get(name));
            } else {
                throw new ConfigException(parameter + ": unknown SASL security option \"" + option
                    + "\" (known: noanonymous, noplaintext, nodictionary, noactive, mutual_auth, forward_secrecy)");
            }
        }
        return new SaslSecurityOptions(excluded, required);
    }

    public boolean allows(SaslMechanism mechanism) {
        return !mechanism.has(SaslMechanism.PRIVATE)
            && excluded.stream().noneMatch(mechanism::has)
            && required.stream().allMatch(mechanism::has);
    }

    /** The mechanisms these options let the server offer, in the server's order. */
    public List<SaslMechanism> filter(List<SaslMechanism> mechanisms) {
        return mechanisms.stream().filter(this::allows).toList();
    }
}
