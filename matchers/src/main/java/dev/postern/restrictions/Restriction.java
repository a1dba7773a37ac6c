package dev.postern.restrictions;

import java.util.List;
import java.util.Locale;

import dev.postern.policy.PolicyServiceClient;
import dev.postern.tables.LookupTable;
import dev.postern.tables.TableSearch;

/**
 * One parsed element of a restriction list.
 *
 * @param kind     what it does
 * @param name     the word as written (a class name for {@link Kind#CLASS})
 * @param argument the table spec for check_*_access; null otherwise
 * @param table    the opened table for check_*_access; null otherwise
 * @param dnsList  the parsed DNS list of reject_rbl_client, reject_rhsbl_*, permit_dnswl_client ...; null otherwise
 * @param policy   the client of check_policy_service's server; null otherwise
 */
record Restriction(Kind kind, String name, String argument, LookupTable table, DnsList dnsList, PolicyServiceClient policy) {

    Restriction(Kind kind, String name, String argument, LookupTable table, DnsList dnsList) {
        this(kind, name, argument, table, dnsList, null);
    }

    /** This table as the given check_*_access, for a {@link Kind#DEFAULT_ACCESS} evaluated in a stage. */
    Restriction as(Kind access) {
        return new Restriction(access, access.name().toLowerCase(Locale.ROOT), argument, table, null);
    }

    /** The check_*_access table as a search, its errors naming the restriction: {@code check_sender_access: hash:x: ...}. */
    TableSearch search() {
        return new TableSearch(name, List.of(table));
    }

    enum Kind {
        PERMIT, REJECT, DEFER, WARN_IF_REJECT, DEFER_IF_PERMIT, DEFER_IF_REJECT,
        PERMIT_MYNETWORKS, PERMIT_SASL_AUTHENTICATED,
        REJECT_UNAUTH_DESTINATION, DEFER_UNAUTH_DESTINATION, PERMIT_AUTH_DESTINATION,
        REJECT_NON_FQDN_SENDER, REJECT_NON_FQDN_RECIPIENT, REJECT_NON_FQDN_HELO_HOSTNAME, REJECT_INVALID_HELO_HOSTNAME,
        REJECT_PLAINTEXT_SESSION, REJECT_MULTI_RECIPIENT_BOUNCE, REJECT_UNAUTH_PIPELINING,
        REJECT_SENDER_LOGIN_MISMATCH, REJECT_AUTHENTICATED_SENDER_LOGIN_MISMATCH,
        REJECT_KNOWN_SENDER_LOGIN_MISMATCH, REJECT_UNAUTHENTICATED_SENDER_LOGIN_MISMATCH,
        REJECT_UNLISTED_RECIPIENT, REJECT_UNLISTED_SENDER, REJECT_UNVERIFIED_RECIPIENT, REJECT_UNVERIFIED_SENDER,
        CHECK_CLIENT_ACCESS, CHECK_HELO_ACCESS, CHECK_SENDER_ACCESS, CHECK_RECIPIENT_ACCESS,
        CHECK_CLIENT_MX_ACCESS, CHECK_CLIENT_NS_ACCESS, CHECK_CLIENT_A_ACCESS,
        CHECK_REVERSE_CLIENT_HOSTNAME_ACCESS, CHECK_REVERSE_CLIENT_HOSTNAME_MX_ACCESS,
        CHECK_REVERSE_CLIENT_HOSTNAME_NS_ACCESS, CHECK_REVERSE_CLIENT_HOSTNAME_A_ACCESS,
        CHECK_HELO_MX_ACCESS, CHECK_HELO_NS_ACCESS, CHECK_HELO_A_ACCESS,
        CHECK_SENDER_MX_ACCESS, CHECK_SENDER_NS_ACCESS, CHECK_SENDER_A_ACCESS,
        CHECK_RECIPIENT_MX_ACCESS, CHECK_RECIPIENT_NS_ACCESS, CHECK_RECIPIENT_A_ACCESS,
        REJECT_RBL_CLIENT, PERMIT_DNSWL_CLIENT, REJECT_RHSBL_CLIENT, PERMIT_RHSWL_CLIENT, REJECT_RHSBL_REVERSE_CLIENT,
        REJECT_RHSBL_HELO, REJECT_RHSBL_SENDER, REJECT_RHSBL_RECIPIENT,
        REJECT_UNKNOWN_SENDER_DOMAIN, REJECT_UNKNOWN_RECIPIENT_DOMAIN, REJECT_UNKNOWN_HELO_HOSTNAME,
        REJECT_UNKNOWN_CLIENT_HOSTNAME, REJECT_UNKNOWN_REVERSE_CLIENT_HOSTNAME, PERMIT_MX_BACKUP,
        CHECK_POLICY_SERVICE,
        CLASS,
        /**
         * A bare {@code type:table} in a list: Postfix reads it as the access check of the list's
         * own stage (check_client_access in smtpd_client_restrictions, ..., check_recipient_access
         * in smtpd_relay/recipient_restrictions), whatever restriction precedes it.
         */
        DEFAULT_ACCESS;

        boolean needsSenderLoginMaps() {
            return this == REJECT_SENDER_LOGIN_MISMATCH || this == REJECT_AUTHENTICATED_SENDER_LOGIN_MISMATCH
                || this == REJECT_KNOWN_SENDER_LOGIN_MISMATCH || this == REJECT_UNAUTHENTICATED_SENDER_LOGIN_MISMATCH;
        }

        boolean takesTable() {
            return this == CHECK_CLIENT_ACCESS || this == CHECK_HELO_ACCESS || this == CHECK_SENDER_ACCESS
                || this == CHECK_RECIPIENT_ACCESS || this == CHECK_REVERSE_CLIENT_HOSTNAME_ACCESS || checksServers();
        }

        /** check_*_{mx,ns,a}_access: the table is asked about the name's MX, NS or A hosts. */
        boolean checksServers() {
            return name().endsWith("_MX_ACCESS") || name().endsWith("_NS_ACCESS") || name().endsWith("_A_ACCESS");
        }

        /** Restrictions that ask DNS. */
        boolean needsDns() {
            return takesDnsList() || checksServers() || switch (this) {
                case REJECT_UNKNOWN_SENDER_DOMAIN, REJECT_UNKNOWN_RECIPIENT_DOMAIN, REJECT_UNKNOWN_HELO_HOSTNAME,
                    REJECT_UNKNOWN_CLIENT_HOSTNAME, REJECT_UNKNOWN_REVERSE_CLIENT_HOSTNAME, PERMIT_MX_BACKUP -> true;
                default -> false;
            };
        }

        /** DNS list restrictions: the next word is the list's domain, optionally with {@code =filter}. */
        boolean takesDnsList() {
            return switch (this) {
                case REJECT_RBL_CLIENT, PERMIT_DNSWL_CLIENT, REJECT_RHSBL_CLIENT, PERMIT_RHSWL_CLIENT,
                    REJECT_RHSBL_REVERSE_CLIENT, REJECT_RHSBL_HELO, REJECT_RHSBL_SENDER, REJECT_RHSBL_RECIPIENT -> true;
                default -> false;
            };
        }
    }

    @Override
    public String toString() {
        return argument == null ? name : name + " " + argument;
    }
}
