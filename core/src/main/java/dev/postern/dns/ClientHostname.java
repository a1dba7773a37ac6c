package dev.postern.dns;

import java.util.Objects;

/**
 * What Postfix's smtpd knows about the client's name: the verified name (PTR whose name
 * maps back to the address; {@code unknown} otherwise) and the unverified reverse name (the
 * PTR alone), each with how its lookup ended. {@code reject_unknown_client_hostname} looks at
 * the first, {@code reject_unknown_reverse_client_hostname} at the second, and a temporary
 * DNS failure is never taken for "no name".
 *
 * @param name          the forward-confirmed name, or {@code unknown}
 * @param reverseName   the PTR name, or {@code unknown}
 * @param nameStatus    how the verified name came out
 * @param reverseStatus how the reverse name came out (OK, TEMPORARY or PERMANENT)
 */
public record ClientHostname(String name, String reverseName, Status nameStatus, Status reverseStatus) {
    public static final String UNKNOWN = "unknown";

    /** Postfix's {@code SMTPD_PEER_CODE_*}. */
    public enum Status {
        OK,
        /** The lookup failed for now (timeout, SERVFAIL). */
        TEMPORARY,
        /** There is no such name (no PTR, or the name has no address). */
        PERMANENT,
        /** The name's addresses do not include the client's. */
        FORGED
    }

    public ClientHostname {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(reverseName, "reverseName");
        Objects.requireNonNull(nameStatus, "nameStatus");
        Objects.requireNonNull(reverseStatus, "reverseStatus");
    }

    /** A name that was looked up and confirmed (or given by a trusted source, such as a test). */
    public static ClientHostname verified(String name) {
        return new ClientHostname(name, name, Status.OK, Status.OK);
    }

    /** No name at all: the reverse lookup failed with this status. */
    public static ClientHostname unknown(Status status) {
        return new ClientHostname(UNKNOWN, UNKNOWN, status, status);
    }

    /**
     * A name given as text, with statuses guessed from it: {@code unknown} (or empty) means
     * a permanent failure. For code that only has the name (tests, older callers).
     */
    public static ClientHostname ofName(String name) {
        return name == null || name.isEmpty() || name.equalsIgnoreCase(UNKNOWN) ? unknown(Status.PERMANENT) : verified(name);
    }

    public boolean isKnown() {
        return nameStatus == Status.OK;
    }
}
