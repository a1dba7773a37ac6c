package dev.postern.restrictions;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

import dev.postern.config.PostfixList;
import dev.postern.restrictions.Restriction.Kind;
import dev.postern.tables.LookupTable;

/** Parses restriction lists; every mistake is an {@link IllegalArgumentException} naming the parameter and the word. */
final class RestrictionParser {
    private static final Map<String, Kind> NAMES = Map.ofEntries(
        Map.entry("permit", Kind.PERMIT),
        Map.entry("reject", Kind.REJECT),
        Map.entry("defer", Kind.DEFER),
        Map.entry("warn_if_reject", Kind.WARN_IF_REJECT),
        Map.entry("defer_if_permit", Kind.DEFER_IF_PERMIT),
        Map.entry("defer_if_reject", Kind.DEFER_IF_REJECT),
        Map.entry("permit_mynetworks", Kind.PERMIT_MYNETWORKS),
        Map.entry("permit_sasl_authenticated", Kind.PERMIT_SASL_AUTHENTICATED),
        Map.entry("reject_unauth_destination", Kind.REJECT_UNAUTH_DESTINATION),
        Map.entry("defer_unauth_destination", Kind.DEFER_UNAUTH_DESTINATION),
        Map.entry("permit_auth_destination", Kind.PERMIT_AUTH_DESTINATION),
        Map.entry("reject_non_fqdn_sender", Kind.REJECT_NON_FQDN_SENDER),
        Map.entry("reject_non_fqdn_recipient", Kind.REJECT_NON_FQDN_RECIPIENT),
        Map.entry("reject_non_fqdn_helo_hostname", Kind.REJECT_NON_FQDN_HELO_HOSTNAME),
        Map.entry("reject_non_fqdn_hostname", Kind.REJECT_NON_FQDN_HELO_HOSTNAME),
        Map.entry("reject_invalid_helo_hostname", Kind.REJECT_INVALID_HELO_HOSTNAME),
        Map.entry("reject_invalid_hostname", Kind.REJECT_INVALID_HELO_HOSTNAME),
        Map.entry("reject_plaintext_session", Kind.REJECT_PLAINTEXT_SESSION),
        Map.entry("reject_multi_recipient_bounce", Kind.REJECT_MULTI_RECIPIENT_BOUNCE),
        Map.entry("reject_unauth_pipelining", Kind.REJECT_UNAUTH_PIPELINING),
        Map.entry("reject_sender_login_mismatch", Kind.REJECT_SENDER_LOGIN_MISMATCH),
        Map.entry("reject_authenticated_sender_login_mismatch", Kind.REJECT_AUTHENTICATED_SENDER_LOGIN_MISMATCH),
        Map.entry("reject_known_sender_login_mismatch", Kind.REJECT_KNOWN_SENDER_LOGIN_MISMATCH),
        Map.entry("reject_unauthenticated_sender_login_mismatch", Kind.REJECT_UNAUTHENTICATED_SENDER_LOGIN_MISMATCH),
        Map.entry("reject_unlisted_recipient", Kind.REJECT_UNLISTED_RECIPIENT),
        Map.entry("check_recipient_maps", Kind.REJECT_UNLISTED_RECIPIENT),
        Map.entry("reject_unlisted_sender", Kind.REJECT_UNLISTED_SENDER),
        Map.entry("check_client_access", Kind.CHECK_CLIENT_ACCESS),
        Map.entry("check_helo_access", Kind.CHECK_HELO_ACCESS),
        Map.entry("check_sender_access", Kind.CHECK_SENDER_ACCESS),
        Map.entry("check_recipient_access", Kind.CHECK_RECIPIENT_ACCESS),
        Map.entry("check_client_mx_access", Kind.CHECK_CLIENT_MX_ACCESS),
        Map.entry("check_client_ns_access", Kind.CHECK_CLIENT_NS_ACCESS),
        Map.entry("check_client_a_access", Kind.CHECK_CLIENT_A_ACCESS),
        Map.entry("check_reverse_client_hostname_access", Kind.CHECK_REVERSE_CLIENT_HOSTNAME_ACCESS),
        Map.entry("check_reverse_client_hostname_mx_access", Kind.CHECK_REVERSE_CLIENT_HOSTNAME_MX_ACCESS),
        Map.entry("check_reverse_client_hostname_ns_access", Kind.CHECK_REVERSE_CLIENT_HOSTNAME_NS_ACCESS),
        Map.entry("check_reverse_client_hostname_a_access", Kind.CHECK_REVERSE_CLIENT_HOSTNAME_A_ACCESS),
        Map.entry("check_helo_mx_access", Kind.CHECK_HELO_MX_ACCESS),
        Map.entry("check_helo_ns_access", Kind.CHECK_HELO_NS_ACCESS),
        Map.entry("check_helo_a_access", Kind.CHECK_HELO_A_ACCESS),
        Map.entry("check_sender_mx_access", Kind.CHECK_SENDER_MX_ACCESS),
        Map.entry("check_sender_ns_access", Kind.CHECK_SENDER_NS_ACCESS),
        Map.entry("check_sender_a_access", Kind.CHECK_SENDER_A_ACCESS),
        Map.entry("check_recipient_mx_access", Kind.CHECK_RECIPIENT_MX_ACCESS),
        Map.entry("check_recipient_ns_access", Kind.CHECK_RECIPIENT_NS_ACCESS),
        Map.entry("check_recipient_a_access", Kind.CHECK_RECIPIENT_A_ACCESS),
        Map.entry("reject_rbl_client", Kind.REJECT_RBL_CLIENT),
        Map.entry("reject_rbl", Kind.REJECT_RBL_CLIENT),
        Map.entry("permit_dnswl_client", Kind.PERMIT_DNSWL_CLIENT),
        Map.entry("reject_rhsbl_client", Kind.REJECT_RHSBL_CLIENT),
        Map.entry("permit_rhswl_client", Kind.PERMIT_RHSWL_CLIENT),
        Map.entry("reject_rhsbl_reverse_client", Kind.REJECT_RHSBL_REVERSE_CLIENT),
        Map.entry("reject_rhsbl_helo", Kind.REJECT_RHSBL_HELO),
        Map.entry("reject_rhsbl_sender", Kind.REJECT_RHSBL_SENDER),
        Map.entry("reject_rhsbl_recipient", Kind.REJECT_RHSBL_RECIPIENT),
        Map.entry("reject_unknown_sender_domain", Kind.REJECT_UNKNOWN_SENDER_DOMAIN),
        Map.entry("reject_unknown_recipient_domain", Kind.REJECT_UNKNOWN_RECIPIENT_DOMAIN),
        Map.entry("reject_unknown_helo_hostname", Kind.REJECT_UNKNOWN_HELO_HOSTNAME),
        Map.entry("reject_unknown_hostname", Kind.REJECT_UNKNOWN_HELO_HOSTNAME),
        Map.entry("reject_unknown_client_hostname", Kind.REJECT_UNKNOWN_CLIENT_HOSTNAME),
        Map.entry("reject_unknown_client", Kind.REJECT_UNKNOWN_CLIENT_HOSTNAME),
        Map.entry("reject_unknown_reverse_client_hostname", Kind.REJECT_UNKNOWN_REVERSE_CLIENT_HOSTNAME),
        Map.entry("permit_mx_backup", Kind.PERMIT_MX_BACKUP),
        Map.entry("check_policy_service", Kind.CHECK_POLICY_SERVICE),
        Map.entry("reject_unverified_recipient", Kind.REJECT_UNVERIFIED_RECIPIENT),
        Map.entry("reject_unverified_sender", Kind.REJECT_UNVERIFIED_SENDER));

    /**
     * DNS-based restrictions Postern does not have yet: known, refused loudly at startup (never
     * passed over). The value: why.
     */
    private static final Map<String, String> DNS_BASED = Map.ofEntries(
        Map.entry("reject_maps_rbl", "deprecated by Postfix: use reject_rbl_client with a domain"));

    /** Other Postfix restrictions Postern does not have yet: refused loudly, never passed over. */
    private static final Set<String> NOT_YET = Set.of(
        "check_ccert_access",
        "check_client_hostname_access", "check_sasl_access",
        "check_address_map", "permit_tls_clientcerts", "permit_tls_all_clientcerts", "reject_unknown_forward_client_hostname",
        "permit_naked_ip_address", "sleep", "check_etrn_access", "permit_inet_interfaces", "reject_unverified_address");

    private RestrictionParser() {
    }

    /**
     * @param fromTable an access-table right-hand side: tables are refused there
     */
    static List<Restriction> parse(String parameter, String value, RestrictionConfig config, boolean fromTable) {
        List<String> words = PostfixList.split(value == null ? "" : value);
        List<Restriction> restrictions = new ArrayList<>();
        for (int i = 0; i < words.size(); i++) {
            String word = words.get(i);
            String lower = word.toLowerCase(Locale.ROOT);
            Kind kind = NAMES.get(lower);
            if (kind != null && kind.needsDns() && config.dns == null) {
                throw new IllegalArgumentException(parameter + ": " + word + " needs DNS, and this configuration has no DNS lookup");
            }
            if (kind != null && kind.takesTable()) {
                if (fromTable) {
                    throw new IllegalArgumentException(parameter + ": " + word + ": lookup tables are not allowed in an access table result");
                }
                if (i + 1 >= words.size() || words.get(i + 1).indexOf(':') < 0) {
                    throw new IllegalArgumentException(parameter + ": " + word + " needs a type:name table argument"
                        + (i + 1 < words.size() ? ", not \"" + words.get(i + 1) + "\"" : ""));
                }
                String spec = words.get(++i);
                restrictions.add(new Restriction(kind, lower, spec, open(parameter, word, spec, config), null));
            } else if (kind == Kind.CHECK_POLICY_SERVICE) {
                if (fromTable) {
                    // Policy clients are made at start for the servers main.cf names (Postfix's too: an
                    // unknown one there is fatal), so a table's or policy's answer may not name one.
                    throw new IllegalArgumentException(parameter + ": " + word + " is not allowed in an access table result");
                }
                if (i + 1 >= words.size() || words.get(i + 1).indexOf(':') < 0) {
                    throw new IllegalArgumentException(parameter + ": " + word + " needs a server argument (inet:host:port,"
                        + " unix:/path or { server, name=value, ... })" + (i + 1 < words.size() ? ", not \"" + words.get(i + 1) + "\"" : ""));
                }
                String argument = words.get(++i);
                restrictions.add(new Restriction(kind, lower, argument, null, null,
                    config.policyService(parameter + ": " + word + " " + argument, argument)));
            } else if (kind != null && kind.takesDnsList()) {
                if (i + 1 >= words.size() || words.get(i + 1).indexOf(':') >= 0 || NAMES.containsKey(words.get(i + 1).toLowerCase(Locale.ROOT))) {
                    throw new IllegalArgumentException(parameter + ": " + word + " needs a DNS list domain argument"
                        + (i + 1 < words.size() ? ", not \"" + words.get(i + 1) + "\"" : ""));
                }
                String argument = words.get(++i);
                restrictions.add(new Restriction(kind, lower, argument, null, DnsList.parse(parameter, word, argument)));
            } else if (kind != null) {
                if ((kind == Kind.REJECT_UNLISTED_RECIPIENT || kind == Kind.REJECT_UNLISTED_SENDER) && config.unlisted == null) {
                    throw new IllegalArgumentException(parameter + ": " + word
                        + " needs the server's users store: it works in the SMTP listeners' restriction lists");
                }
                if ((kind == Kind.REJECT_UNVERIFIED_RECIPIENT || kind == Kind.REJECT_UNVERIFIED_SENDER) && config.verifier == null) {
                    throw new IllegalArgumentException(parameter + ": " + word
                        + " needs the address verification service: it works in the SMTP listeners' restriction lists");
                }
                if (kind.needsSenderLoginMaps()) {
                    try {
                        config.senderLoginMaps();
                    } catch (IllegalArgumentException e) {
                        throw new IllegalArgumentException(parameter + ": " + word + ": " + e.getMessage(), e);
                    }
                }
                restrictions.add(new Restriction(kind, lower, null, null, null));
            } else if (DNS_BASED.containsKey(lower)) {
                throw new IllegalArgumentException(parameter + ": " + word + " is not implemented yet (" + DNS_BASED.get(lower) + ")");
            } else if (NOT_YET.contains(lower)) {
                throw new IllegalArgumentException(parameter + ": " + word + " is not implemented yet");
            } else if (config.isClass(word)) {
                restrictions.add(new Restriction(Kind.CLASS, word, null, null, null));
            } else if (word.indexOf(':') > 0) {
                // Postfix's short-hand: a bare table is the access check of the list's stage.
                if (fromTable) {
                    throw new IllegalArgumentException(parameter + ": " + word + ": lookup tables are not allowed in an access table result");
                }
                restrictions.add(new Restriction(Kind.DEFAULT_ACCESS, word, word, open(parameter, "table", word, config), null));
            } else {
                throw new IllegalArgumentException(parameter + ": unknown restriction \"" + word + "\"");
            }
        }
        return List.copyOf(restrictions);
    }

    private static LookupTable open(String parameter, String word, String spec, RestrictionConfig config) {
        LookupTable table;
        try {
            table = config.tables.apply(spec);
        } catch (RuntimeException e) {
            throw new IllegalArgumentException(parameter + ": " + word + " " + spec + ": " + e.getMessage(), e);
        }
        if (table == null) {
            throw new IllegalArgumentException(parameter + ": " + word + " " + spec + ": no such table");
        }
        return table;
    }
}
