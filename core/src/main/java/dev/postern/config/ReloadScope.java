package dev.postern.config;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;

/**
 * Which main.cf parameters a reload applies and which only a restart does. A reload reaches what
 * the SMTP hooks build per listener (restriction lists and their tables, smtpd limits, header and
 * body checks) and what the queue manager builds (relayhost, transport maps and every other
 * routing and delivery parameter). The parameters below are also, or only, read once at start:
 * by James's own listener setup (addresses, TLS, AUTH, greeting, size limit, trusted networks),
 * by the mail log and DNS shared by the whole server, by the domain list, or by the cleanup
 * mailets. A reload still takes their new values where a reloading component reads them, but says
 * a restart is needed for the full effect.
 */
public final class ReloadScope {
    private static final Set<String> READ_AT_START = Set.of(
        // listeners, as James binds and configures them
        "postern_smtpd_listen", "postern_submission_listen", "postern_submissions_listen", "postern_webadmin_listen",
        "postern_metrics_listen",
        "smtpd_tls_security_level", "smtpd_tls_cert_file", "smtpd_tls_key_file", "postern_smtpd_tls_pkcs12_password",
        "smtpd_tls_wrappermode", "smtpd_tls_auth_only", "smtpd_sasl_auth_enable", "smtpd_banner",
        "message_size_limit", "queue_minfree", "mynetworks",
        // the server's identity, mail log and DNS
        "myhostname", "mydomain", "mail_name", "mail_version", "compatibility_level", "syslog_name",
        "postern_dns_servers",
        // the domain list
        "mydestination", "virtual_alias_domains", "virtual_mailbox_domains", "relay_domains",
        // cleanup
        "canonical_maps", "sender_canonical_maps", "recipient_canonical_maps", "canonical_classes",
        "sender_canonical_classes", "recipient_canonical_classes", "masquerade_domains", "masquerade_classes",
        "masquerade_exceptions", "always_bcc", "sender_bcc_maps", "recipient_bcc_maps", "virtual_alias_maps",
        "virtual_alias_recursion_limit", "virtual_alias_expansion_limit", "propagate_unmatched_extensions",
        "myorigin", "append_at_myorigin", "append_dot_mydomain");

    private ReloadScope() {
    }

    /** Whether a change of {@code name} takes full effect only after a restart. */
    public static boolean needsRestart(String name) {
        return READ_AT_START.contains(name);
    }

    /**
     * The parameters whose effective value differs, in name order: every known parameter and every
     * restriction class either file defines.
     */
    public static List<String> changed(MainCf before, MainCf after) {
        Set<String> names = new TreeSet<>(Parameters.names());
        names.addAll(before.explicitNames());
        names.addAll(after.explicitNames());
        List<String> changed = new ArrayList<>();
        for (String name : names) {
            if (!Objects.equals(value(before, name), value(after, name))) {
                changed.add(name);
            }
        }
        return List.copyOf(changed);
    }

    /** The changed parameters that need a restart, in name order. */
    public static List<String> needingRestart(List<String> changed) {
        return changed.stream().filter(ReloadScope::needsRestart).toList();
    }

    /** A restriction class is a value only where it is defined. */
    private static String value(MainCf mainCf, String name) {
        try {
            return mainCf.get(name);
        } catch (IllegalArgumentException e) {
            return null;
        }
    }
}
