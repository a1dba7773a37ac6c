package dev.postern.address;

import java.util.Collections;
import java.util.EnumSet;
import java.util.Locale;
import java.util.Set;

/**
 * An envelope address after Postfix's trivial-rewrite resolver: its internal form
 * ({@code local@domain}, the local part unquoted, the domain lower-case) and what the
 * resolver found out about it.
 *
 * @param input   the path as the client sent it, for messages
 * @param address the internal form; empty for the null sender {@code <>}, and for an
 *                address too malformed to have one
 * @param flags   {@link Flag#ROUTED} and/or {@link Flag#ERROR}
 * @param reason  why the address is in error or routed; empty when it is neither
 */
public record ResolvedAddress(String input, String address, Set<Flag> flags, String reason) {

    public enum Flag {
        /**
         * Sender-specified routing: the address still holds an {@code @}, {@code %} or
         * {@code !} before its domain (Postfix's {@code RESOLVE_FLAG_ROUTED}). Such an address
         * never gets relay permission, whatever its domain.
         */
        ROUTED,
        /** Invalid (Postfix's {@code RESOLVE_FLAG_ERROR}): refused with {@code 501 5.1.3} / {@code 501 5.1.7}. */
        ERROR
    }

    public ResolvedAddress {
        flags = flags.isEmpty() ? Set.of() : Collections.unmodifiableSet(EnumSet.copyOf(flags));
        reason = reason == null ? "" : reason;
    }

    static ResolvedAddress nullSender(String input) {
        return new ResolvedAddress(input, "", Set.of(), "");
    }

    static ResolvedAddress error(String input, String address, String reason) {
        return new ResolvedAddress(input, address, Set.of(Flag.ERROR), reason);
    }

    public boolean isNullSender() {
        return address.isEmpty() && !isError();
    }

    public boolean isRouted() {
        return flags.contains(Flag.ROUTED);
    }

    public boolean isError() {
        return flags.contains(Flag.ERROR);
    }

    /** Everything before the last {@code @}: with sender-specified routing, the route is part of it. */
    public String localPart() {
        int at = address.lastIndexOf('@');
        return at < 0 ? address : address.substring(0, at);
    }

    /** Everything after the last {@code @}, lower-case; empty for the null sender. */
    public String domain() {
        int at = address.lastIndexOf('@');
        return at < 0 ? "" : address.substring(at + 1).toLowerCase(Locale.ROOT);
    }

    @Override
    public String toString() {
        return "<" + address + ">" + (flags.isEmpty() ? "" : " " + flags) + (reason.isEmpty() ? "" : " (" + reason + ")");
    }
}
