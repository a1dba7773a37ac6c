package dev.postern.smtpd.sasl;

import java.util.Locale;
import java.util.Set;

/**
 * A SASL mechanism a server can run, with its properties as Dovecot's {@code MECH} lines name
 * them: {@code plaintext}, {@code anonymous}, {@code dictionary}, {@code active},
 * {@code forward-secrecy}, {@code mutual-auth}, {@code private}.
 */
public record SaslMechanism(String name, Set<String> flags) {
    public static final String PLAINTEXT = "plaintext";
    public static final String ANONYMOUS = "anonymous";
    public static final String DICTIONARY = "dictionary";
    public static final String ACTIVE = "active";
    public static final String FORWARD_SECRECY = "forward-secrecy";
    public static final String MUTUAL_AUTH = "mutual-auth";
    /** Dovecot's mechanisms for its own use, never offered to clients. */
    public static final String PRIVATE = "private";

    public SaslMechanism {
        name = name.toUpperCase(Locale.ROOT);
        flags = Set.copyOf(flags);
    }

    public boolean has(String flag) {
        return flags.contains(flag);
    }
}
