package dev.postern.rewrite;

import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Postfix's address classes of the cleanup rewriting parameters ({@code canonical_classes},
 * {@code masquerade_classes}, ...): which of a message's addresses a rewriting applies to.
 */
public enum AddressKind {
    ENVELOPE_SENDER,
    ENVELOPE_RECIPIENT,
    HEADER_SENDER,
    HEADER_RECIPIENT;

    /** {@code envelope_sender} as written in main.cf. */
    public String parameterName() {
        return name().toLowerCase(Locale.ROOT);
    }

    /**
     * @param parameter the parameter's name, for the error
     * @throws IllegalArgumentException naming the parameter and the unknown item
     */
    public static Set<AddressKind> parse(String parameter, List<String> items) {
        Set<AddressKind> kinds = EnumSet.noneOf(AddressKind.class);
        for (String item : items) {
            try {
                kinds.add(valueOf(item.trim().toUpperCase(Locale.ROOT)));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(parameter + ": unknown address class \"" + item
                    + "\"; expected envelope_sender, envelope_recipient, header_sender or header_recipient", e);
            }
        }
        return kinds;
    }

    public boolean isSender() {
        return this == ENVELOPE_SENDER || this == HEADER_SENDER;
    }
}
