package dev.postern.restrictions;

/**
 * The kind of restriction that refused a command, for the metrics' {@code restriction} label: a small
 * fixed set, told by the restriction engine from the restriction that decided (not from the reply's
 * text), so that the label stays a handful of values whatever the texts of the tables.
 */
public enum RejectClass {
    /** reject_unauth_destination, defer_unauth_destination. */
    RELAY_DENIED("relay_denied"),
    /** reject_unlisted_recipient, reject_unlisted_sender (and smtpd_reject_unlisted_*). */
    UNKNOWN_USER("unknown_user"),
    /** reject_rbl_client and the reject_rhsbl_* lists. */
    BLOCKED("blocked"),
    /** A sender restriction: check_sender_access, reject_unknown_sender_domain, the login mismatches, ... */
    SENDER_REJECTED("sender_rejected"),
    /** A client restriction: check_client_access, reject_unknown_client_hostname, ... */
    CLIENT_REJECTED("client_rejected"),
    /** A HELO restriction: check_helo_access, reject_invalid_helo_hostname, ... */
    HELO_REJECTED("helo_rejected"),
    /** A recipient restriction: check_recipient_access, reject_unknown_recipient_domain, ... */
    RECIPIENT_REJECTED("recipient_rejected"),
    /** check_policy_service. */
    POLICY_SERVICE("policy_service"),
    /**
     * Anything else: reject_plaintext_session, reject_unauth_pipelining, reject_multi_recipient_bounce,
     * a plain reject in the DATA or end-of-data lists, a deferral settled at the end (defer_if_permit),
     * a lookup failure, or a refusal that no restriction decided.
     */
    OTHER("other");

    private final String label;

    RejectClass(String label) {
        this.label = label;
    }

    public String label() {
        return label;
    }

    /**
     * @param kind       the restriction that refused
     * @param replyClass the class of the list it is in, which decides for a plain {@code reject}
     *                   or {@code defer} and a bare access table
     */
    static RejectClass of(Restriction.Kind kind, Stage replyClass) {
        switch (kind) {
            case REJECT_UNAUTH_DESTINATION, DEFER_UNAUTH_DESTINATION -> {
                return RELAY_DENIED;
            }
            case REJECT_UNLISTED_RECIPIENT, REJECT_UNLISTED_SENDER -> {
                return UNKNOWN_USER;
            }
            case REJECT_RBL_CLIENT, REJECT_RHSBL_CLIENT, REJECT_RHSBL_REVERSE_CLIENT, REJECT_RHSBL_HELO,
                 REJECT_RHSBL_SENDER, REJECT_RHSBL_RECIPIENT -> {
                return BLOCKED;
            }
            case CHECK_POLICY_SERVICE -> {
                return POLICY_SERVICE;
            }
            case REJECT_PLAINTEXT_SESSION, REJECT_UNAUTH_PIPELINING, REJECT_MULTI_RECIPIENT_BOUNCE -> {
                return OTHER;
            }
            case REJECT, DEFER, DEFAULT_ACCESS -> {
                return ofStage(replyClass);
            }
            default -> {
                return bySubject(kind.name());
            }
        }
    }

    /** The restrictions named after what they check: {@code check_sender_access}, {@code reject_non_fqdn_helo_hostname}, ... */
    private static RejectClass bySubject(String name) {
        if (name.contains("SENDER")) {
            return SENDER_REJECTED;
        }
        if (name.contains("HELO")) {
            return HELO_REJECTED;
        }
        if (name.contains("CLIENT")) {
            return CLIENT_REJECTED;
        }
        if (name.contains("RECIPIENT")) {
            return RECIPIENT_REJECTED;
        }
        return OTHER;
    }

    private static RejectClass ofStage(Stage replyClass) {
        return switch (replyClass) {
            case CLIENT -> CLIENT_REJECTED;
            case HELO -> HELO_REJECTED;
            case SENDER -> SENDER_REJECTED;
            case RECIPIENT -> RECIPIENT_REJECTED;
            case DATA, END_OF_DATA -> OTHER;
        };
    }
}
