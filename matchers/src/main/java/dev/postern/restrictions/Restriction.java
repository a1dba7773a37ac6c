package dev.postern.restrictions;

import dev.postern.tables.LookupTable;

/**
 * One parsed element of a restriction list.
 *
 * @param kind     what it does
 * @param name     the word as written (a class name for {@link Kind#CLASS})
 * @param argument the table spec for check_*_access; null otherwise
 * @param table    the opened table for check_*_access; null otherwise
 */
record Restriction(Kind kind, String name, String argument, LookupTable table) {

    enum Kind {
        PERMIT, REJECT, DEFER, WARN_IF_REJECT, DEFER_IF_PERMIT, DEFER_IF_REJECT,
        PERMIT_MYNETWORKS, PERMIT_SASL_AUTHENTICATED,
        REJECT_UNAUTH_DESTINATION, DEFER_UNAUTH_DESTINATION, PERMIT_AUTH_DESTINATION,
        REJECT_NON_FQDN_SENDER, REJECT_NON_FQDN_RECIPIENT, REJECT_NON_FQDN_HELO_HOSTNAME, REJECT_INVALID_HELO_HOSTNAME,
        REJECT_PLAINTEXT_SESSION, REJECT_MULTI_RECIPIENT_BOUNCE, REJECT_UNAUTH_PIPELINING,
        REJECT_SENDER_LOGIN_MISMATCH, REJECT_AUTHENTICATED_SENDER_LOGIN_MISMATCH,
        REJECT_KNOWN_SENDER_LOGIN_MISMATCH, REJECT_UNAUTHENTICATED_SENDER_LOGIN_MISMATCH,
        CHECK_CLIENT_ACCESS, CHECK_HELO_ACCESS, CHECK_SENDER_ACCESS, CHECK_RECIPIENT_ACCESS,
        CLASS;

        boolean needsSenderLoginMaps() {
            return this == REJECT_SENDER_LOGIN_MISMATCH || this == REJECT_AUTHENTICATED_SENDER_LOGIN_MISMATCH
                || this == REJECT_KNOWN_SENDER_LOGIN_MISMATCH || this == REJECT_UNAUTHENTICATED_SENDER_LOGIN_MISMATCH;
        }

        boolean takesTable() {
            return this == CHECK_CLIENT_ACCESS || this == CHECK_HELO_ACCESS || this == CHECK_SENDER_ACCESS
                || this == CHECK_RECIPIENT_ACCESS;
        }
    }

    @Override
    public String toString() {
        return argument == null ? name : name + " " + argument;
    }
}
