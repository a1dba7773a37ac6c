package dev.postern.address;

/**
 * Postfix's address classes ({@code ADDRESS_CLASS_README}), in the order the resolver tests
 * them: a domain belongs to the first class whose list names it. The class decides the default
 * transport, the table of valid recipients, and whether untrusted clients may send to it.
 */
public enum AddressClass {
    /** {@code mydestination} and this server's own {@code [address]} literals: {@code local_transport}. */
    LOCAL(true),
    /** {@code virtual_alias_domains}: every address must be aliased elsewhere. */
    VIRTUAL_ALIAS(true),
    /** {@code virtual_mailbox_domains} and domains added at run time: {@code virtual_transport}. */
    VIRTUAL_MAILBOX(true),
    /** {@code relay_domains}: forwarded for untrusted clients too, with {@code relay_transport}. */
    RELAY(false),
    /** Anything else: relayed only for clients the relay restrictions permit. */
    DEFAULT(false);

    private final boolean finalDestination;

    AddressClass(boolean finalDestination) {
        this.finalDestination = finalDestination;
    }

    /** Mail for this class ends on this server (local, virtual alias, virtual mailbox). */
    public boolean isFinalDestination() {
        return finalDestination;
    }

    /** Untrusted clients may send to it: final destinations and relay domains ({@code permit_auth_destination}). */
    public boolean isAuthorizedDestination() {
        return this != DEFAULT;
    }
}
