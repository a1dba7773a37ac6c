package dev.postern.config;

import static dev.postern.config.ParameterType.BOOLEAN;
import static dev.postern.config.ParameterType.DNS_SERVERS;
import static dev.postern.config.ParameterType.LIST;
import static dev.postern.config.ParameterType.LISTEN_ADDRESS;
import static dev.postern.config.ParameterType.NUMBER;
import static dev.postern.config.ParameterType.RAW;
import static dev.postern.config.ParameterType.SIZE;
import static dev.postern.config.ParameterType.STRING;
import static dev.postern.config.ParameterType.TIME;

import java.util.Collection;
import java.util.Collections;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.SortedSet;
import java.util.TreeSet;

/**
 * The table of main.cf parameters Postern implements: the only names main.cf and the
 * environment may set. Postfix names and defaults where the behaviour is Postfix's; parameters
 * Postfix does not have start with {@code postern_}. Later features add their rows here.
 */
public final class Parameters {

    /** Postern's version: the jar manifest's Implementation-Version, when the build writes one. */
    public static final String MAIL_VERSION = Optional
            .ofNullable(MainCf.class.getPackage().getImplementationVersion())
            .orElse("0.1.0");

    private static final Map<String, Parameter> TABLE = index(
            // Identity
            new Parameter("myhostname", STRING, DefaultValue.derived(
                    "the machine's fully qualified name; a name without a dot gets .$mydomain (if set) or .localdomain",
                    MachineHostname::myhostnameDefault),
                    "the Internet hostname of this mail system"),
            new Parameter("mydomain", STRING, DefaultValue.derived(
                    "$myhostname minus its first label, or localdomain",
                    MachineHostname::mydomainDefault),
                    "the Internet domain name of this mail system"),
            new Parameter("myorigin", STRING, DefaultValue.of("$myhostname"),
                    "the domain that locally-posted mail appears to come from"),
            new Parameter("mail_name", STRING, DefaultValue.of("Postern"),
                    "the mail system name shown in the SMTP greeting and in bounces"),
            new Parameter("mail_version", STRING, DefaultValue.of(MAIL_VERSION),
                    "the version of this mail system"),
            new Parameter("compatibility_level", STRING, DefaultValue.of("3.6"),
                    "the Postfix compatibility level whose defaults Postern follows"),
            new Parameter("syslog_name", STRING, DefaultValue.of("postern"),
                    "the program name prefix of mail log lines (postern/smtpd[PID])"),
            new Parameter("postern_allow_unimplemented", BOOLEAN, DefaultValue.of("no"),
                    "start even when main.cf sets a Postfix parameter Postern does not implement and ignoring it"
                        + " could weaken the site's policy (smtpd_milters, content_filter, ...): each is then only a warning"),

            // Address classes and relay control
            new Parameter("mydestination", LIST, DefaultValue.of("$myhostname, localhost.$mydomain, localhost"),
                    "domains delivered locally (the local address class)"),
            new Parameter("mynetworks", LIST, DefaultValue.of("127.0.0.1/32 [::1]/128"),
                    "trusted client networks that permit_mynetworks allows to relay"),
            new Parameter("relay_domains", LIST, DefaultValue.of(""),
                    "domains this system relays mail to from untrusted clients (the relay address class)"),
            new Parameter("permit_mx_backup_networks", LIST, DefaultValue.of(""),
                    "permit_mx_backup only for domains whose primary MX hosts' addresses are all in these networks;"
                        + " empty: no such limit"),
            new Parameter("relayhost", STRING, DefaultValue.of(""),
                    "the next-hop destination of non-local mail; empty means the recipient domain's MX"),
            new Parameter("content_filter", STRING, DefaultValue.of(""),
                    "transport:destination that mail received over SMTP goes to first (an after-queue content"
                    + " filter, which sends it back to a listener with content_filter empty); a FILTER action replaces it"),
            new Parameter("virtual_alias_maps", LIST, DefaultValue.of(""),
                    "lookup tables that alias addresses to other addresses (one to many)"),
            new Parameter("virtual_alias_domains", LIST, DefaultValue.of("$virtual_alias_maps"),
                    "domains whose every address is an alias (the virtual alias address class)"),
            new Parameter("virtual_mailbox_maps", LIST, DefaultValue.of(""),
                    "lookup tables of the mailboxes of virtual mailbox domains"),
            new Parameter("virtual_mailbox_domains", LIST, DefaultValue.of("$virtual_mailbox_maps"),
                    "domains with mailboxes of their own (the virtual mailbox address class)"),
            new Parameter("inet_interfaces", LIST, DefaultValue.of("all"),
                    "this host's addresses: [address] literals of them are local destinations"),
            new Parameter("proxy_interfaces", LIST, DefaultValue.of(""),
                    "addresses of proxies or NAT in front of this host, local destinations like inet_interfaces"),
            new Parameter("parent_domain_matches_subdomains", LIST, DefaultValue.of(
                    "debug_peer_list,fast_flush_domains,mynetworks,permit_mx_backup_networks,"
                        + "qmqpd_authorized_clients,relay_domains,smtpd_access_maps"),
                    "features in which example.com also matches its subdomains (else only .example.com does)"),

            // Address rewriting and resolving (trivial-rewrite)
            new Parameter("recipient_delimiter", STRING, DefaultValue.of(""),
                    "characters separating a user name from an address extension (user+ext)"),
            new Parameter("allow_percent_hack", BOOLEAN, DefaultValue.of("yes"),
                    "rewrite user%domain into user@domain"),
            new Parameter("swap_bangpath", BOOLEAN, DefaultValue.of("yes"),
                    "rewrite site!user into user@site"),
            new Parameter("resolve_dequoted_address", BOOLEAN, DefaultValue.of("yes"),
                    "look for @ % ! inside a quoted local part when resolving"),
            new Parameter("append_at_myorigin", BOOLEAN, DefaultValue.of("yes"),
                    "append @$myorigin to an address without a domain"),
            new Parameter("append_dot_mydomain", BOOLEAN, DefaultValue.of("no"),
                    "append .$mydomain to a domain without a dot"),
            new Parameter("resolve_numeric_domain", BOOLEAN, DefaultValue.of("no"),
                    "resolve user@1.2.3.4 as user@[1.2.3.4] instead of refusing it"),
            new Parameter("resolve_null_domain", BOOLEAN, DefaultValue.of("no"),
                    "resolve user@ as user@$myhostname instead of refusing it"),
            new Parameter("allow_min_user", BOOLEAN, DefaultValue.of("no"),
                    "allow an address whose local part starts with -"),
            new Parameter("allow_untrusted_routing", BOOLEAN, DefaultValue.of("no"),
                    "let access OK results grant relay to addresses with sender-specified routing"),

            // Limits
            new Parameter("message_size_limit", SIZE, DefaultValue.of("10240000"),
                    "the largest message accepted, in bytes"),
            new Parameter("queue_minfree", SIZE, DefaultValue.of("0"),
                    "free bytes the queue file system must keep before mail is accepted"),
            new Parameter("smtpd_recipient_limit", NUMBER, DefaultValue.of("1000"),
                    "recipients one message may have; more get 452 4.5.3"),
            new Parameter("smtpd_client_connection_count_limit", NUMBER, DefaultValue.of("50"),
                    "simultaneous connections from one client address; 0 = no limit"),
            new Parameter("smtpd_client_connection_rate_limit", NUMBER, DefaultValue.of("0"),
                    "connections per minute from one client address; 0 = no limit"),
            new Parameter("smtpd_client_message_rate_limit", NUMBER, DefaultValue.of("0"),
                    "MAIL commands per minute from one client address; 0 = no limit"),
            new Parameter("smtpd_client_event_limit_exceptions", LIST, DefaultValue.of("$mynetworks"),
                    "clients the connection, message and AUTH rate limits do not apply to"),

            // cleanup: address rewriting, automatic bcc, virtual aliases
            new Parameter("canonical_maps", LIST, DefaultValue.of(""),
                    "tables mapping sender and recipient addresses (envelope and headers) to their canonical form"),
            new Parameter("sender_canonical_maps", LIST, DefaultValue.of(""),
                    "tables mapping sender addresses, looked up before canonical_maps"),
            new Parameter("recipient_canonical_maps", LIST, DefaultValue.of(""),
                    "tables mapping recipient addresses, looked up before canonical_maps"),
            new Parameter("canonical_classes", LIST,
                    DefaultValue.of("envelope_sender, envelope_recipient, header_sender, header_recipient"),
                    "which addresses canonical_maps rewrites"),
            new Parameter("sender_canonical_classes", LIST, DefaultValue.of("envelope_sender, header_sender"),
                    "which addresses sender_canonical_maps rewrites"),
            new Parameter("recipient_canonical_classes", LIST, DefaultValue.of("envelope_recipient, header_recipient"),
                    "which addresses recipient_canonical_maps rewrites"),
            new Parameter("masquerade_domains", LIST, DefaultValue.of(""),
                    "domains whose subdomains are stripped from addresses (!domain excludes one)"),
            new Parameter("masquerade_classes", LIST, DefaultValue.of("envelope_sender, header_sender, header_recipient"),
                    "which addresses masquerade_domains rewrites"),
            new Parameter("masquerade_exceptions", LIST, DefaultValue.of(""),
                    "local parts never masqueraded (e.g. root)"),
            new Parameter("always_bcc", STRING, DefaultValue.of(""),
                    "an address that receives a blind copy of every message received"),
            new Parameter("sender_bcc_maps", LIST, DefaultValue.of(""),
                    "tables giving a blind-copy address by envelope sender"),
            new Parameter("recipient_bcc_maps", LIST, DefaultValue.of(""),
                    "tables giving a blind-copy address by envelope recipient"),
            new Parameter("virtual_alias_recursion_limit", NUMBER, DefaultValue.of("1000"),
                    "how deep virtual alias expansion may nest before the mail is deferred (4.6.0)"),
            new Parameter("virtual_alias_expansion_limit", NUMBER, DefaultValue.of("1000"),
                    "how many recipients one virtual alias expansion may make before the mail is deferred (4.6.0)"),
            new Parameter("propagate_unmatched_extensions", LIST, DefaultValue.of("canonical, virtual"),
                    "lookups that copy an unmatched +extension to the result (canonical, virtual, alias, forward)"),

            // Routing: transport(5) and the class transports
            new Parameter("transport_maps", LIST, DefaultValue.of(""),
                    "tables of per-recipient routes: pattern transport:nexthop"),
            new Parameter("local_transport", STRING, DefaultValue.of("local:$myhostname"),
                    "the transport of the local class (mydestination)"),
            new Parameter("virtual_transport", STRING, DefaultValue.of("virtual"),
                    "the transport of the virtual mailbox class"),
            new Parameter("relay_transport", STRING, DefaultValue.of("relay"),
                    "the transport of the relay class (relay_domains)"),
            new Parameter("default_transport", STRING, DefaultValue.of("smtp"),
                    "the transport of every other recipient"),
            new Parameter("sender_dependent_relayhost_maps", LIST, DefaultValue.of(""),
                    "tables giving the relayhost by envelope sender, then @domain (<> for the null sender)"),
            new Parameter("sender_dependent_default_transport_maps", LIST, DefaultValue.of(""),
                    "tables giving the default transport by envelope sender, then @domain"),
            new Parameter("relay_recipient_maps", LIST, DefaultValue.of(""),
                    "tables of the valid recipients of relay_domains (empty: all are valid)"),

            // Local and virtual delivery: local(8), virtual(8), aliases(5)
            new Parameter("alias_maps", LIST, DefaultValue.of(""),
                    "aliases(5) tables of the local class (file-based types read the file in aliases format)"),
            new Parameter("allow_mail_to_commands", LIST, DefaultValue.of("alias, forward"),
                    "where |command destinations are allowed: alias, forward, include"),
            new Parameter("allow_mail_to_files", LIST, DefaultValue.of("alias, forward"),
                    "where /file destinations are allowed: alias, forward, include"),
            new Parameter("default_privs", STRING, DefaultValue.of("nobody"),
                    "the user whose rights |command and /file destinations use when Postern runs as root (never root)"),
            new Parameter("export_environment", LIST, DefaultValue.of("TZ MAIL_CONFIG LANG"),
                    "the variables of Postern's environment that |command destinations see (besides local(8)'s own)"),
            new Parameter("luser_relay", STRING, DefaultValue.of(""),
                    "where mail for unknown local users goes ($user, $local, $extension, $domain, $recipient expand)"),
            new Parameter("mailbox_size_limit", SIZE, DefaultValue.of("51200000"),
                    "the largest mbox file, or Maildir message, local delivery writes; 0 = no limit"),
            new Parameter("virtual_mailbox_base", STRING, DefaultValue.of(""),
                    "the directory virtual_mailbox_maps results are relative to; empty = var/mail/"),
            new Parameter("postern_local_mailbox_format", STRING, DefaultValue.of("maildir"),
                    "the mailbox of local-class users: maildir (var/mail/HOST/USER/Maildir/) or mbox (var/mail/HOST/USER)"),
            new Parameter("postern_mailbox_quota_maps", LIST, DefaultValue.of(""),
                    "tables of per-mailbox quotas in bytes, by address, then (local class) by user"),

            // SMTP and LMTP client
            new Parameter("smtp_helo_name", STRING, DefaultValue.of("$myhostname"),
                    "the host name the SMTP client sends in EHLO/HELO (and LHLO)"),
            new Parameter("smtp_connect_timeout", TIME, DefaultValue.of("30s"),
                    "how long to wait for a TCP connection to a next hop"),
            new Parameter("smtp_helo_timeout", TIME, DefaultValue.of("300s"),
                    "how long to wait for the greeting and the EHLO/HELO reply"),
            new Parameter("smtp_mail_timeout", TIME, DefaultValue.of("300s"), "how long to wait for the MAIL FROM reply"),
            new Parameter("smtp_rcpt_timeout", TIME, DefaultValue.of("300s"), "how long to wait for a RCPT TO reply"),
            new Parameter("smtp_data_init_timeout", TIME, DefaultValue.of("120s"), "how long to wait for the DATA reply"),
            new Parameter("smtp_data_xfer_timeout", TIME, DefaultValue.of("180s"),
                    "how long a write of message content may stall"),
            new Parameter("smtp_data_done_timeout", TIME, DefaultValue.of("600s"),
                    "how long to wait for the reply to the final dot"),
            new Parameter("smtp_quit_timeout", TIME, DefaultValue.of("300s"), "how long to wait for the QUIT reply"),
            new Parameter("smtp_tls_security_level", STRING, DefaultValue.of(""),
                    "TLS towards next hops: none (or empty), may, encrypt, fingerprint, verify, secure, dane, dane-only"),
            new Parameter("smtp_tls_policy_maps", LIST, DefaultValue.of(""),
                    "tables of per-destination TLS policies by next hop: level and match=, servername=, ciphers=,"
                        + " protocols=, exclude="),
            new Parameter("smtp_tls_CAfile", STRING, DefaultValue.of(""),
                    "PEM file of the certificate authorities trusted by the verify and secure levels"
                        + " (empty with smtp_tls_CApath empty: the JVM's trust store)"),
            new Parameter("smtp_tls_CApath", STRING, DefaultValue.of(""),
                    "directory of PEM files of further trusted certificate authorities"),
            new Parameter("smtp_tls_cert_file", STRING, DefaultValue.of(""),
                    "PEM client certificate (and chain) offered to servers that ask for one"),
            new Parameter("smtp_tls_key_file", STRING, DefaultValue.of("$smtp_tls_cert_file"),
                    "PEM private key of smtp_tls_cert_file (unencrypted PKCS#8 or PKCS#1 RSA)"),
            new Parameter("smtp_tls_chain_files", LIST, DefaultValue.of(""),
                    "PEM files each holding a client private key and its certificate chain (instead of"
                        + " smtp_tls_cert_file and smtp_tls_key_file)"),
            new Parameter("smtp_tls_loglevel", NUMBER, DefaultValue.of("0"),
                    "SMTP client TLS logging: 0 none, 1 a line per handshake, 2 also the server certificate"),
            new Parameter("smtp_tls_fingerprint_digest", STRING, DefaultValue.of("sha256"),
                    "digest of certificate and public-key fingerprints: md5, sha1, sha224, sha256, sha384, sha512"),
            new Parameter("smtp_tls_fingerprint_cert_match", LIST, DefaultValue.of(""),
                    "the fingerprints level fingerprint accepts when a policy entry gives no match="),
            new Parameter("smtp_tls_verify_cert_match", LIST, DefaultValue.of("hostname"),
                    "what a certificate name must match at level verify: hostname, nexthop, dot-nexthop, names"),
            new Parameter("smtp_tls_secure_cert_match", LIST, DefaultValue.of("nexthop, dot-nexthop"),
                    "what a certificate name must match at level secure: hostname, nexthop, dot-nexthop, names"),
            new Parameter("smtp_tls_ciphers", STRING, DefaultValue.of("medium"),
                    "cipher grade at level may: export, low, medium, high (Java's enabled suites are all high)"),
            new Parameter("smtp_tls_mandatory_ciphers", STRING, DefaultValue.of("medium"),
                    "cipher grade at the levels that require TLS"),
            new Parameter("smtp_tls_exclude_ciphers", LIST, DefaultValue.of(""),
                    "cipher names or parts (aNULL, 3DES, RC4, CBC, SHA1, ...) never used"),
            new Parameter("smtp_tls_mandatory_exclude_ciphers", LIST, DefaultValue.of(""),
                    "ciphers also excluded at the levels that require TLS"),
            new Parameter("smtp_tls_protocols", STRING, DefaultValue.of(">=TLSv1"),
                    "TLS protocols at level may, e.g. >=TLSv1.2 or !SSLv3, !TLSv1"),
            new Parameter("smtp_tls_mandatory_protocols", STRING, DefaultValue.of(">=TLSv1"),
                    "TLS protocols at the levels that require TLS"),
            new Parameter("smtp_tls_servername", STRING, DefaultValue.of(""),
                    "the SNI name sent: empty or hostname for the server's host name, or a fixed name"),
            new Parameter("smtp_dns_support_level", STRING, DefaultValue.of(""),
                    "DNS of the SMTP client: empty, disabled or enabled (plain lookups), dnssec (MX, address and TLSA"
                        + " lookups validated with postern_dnssec_trust_anchor_file; needed by the dane levels)"),
            new Parameter("postern_dnssec_trust_anchor_file", STRING, DefaultValue.of("/usr/share/dns/root.key"),
                    "DS or DNSKEY records in zone-file form that DNSSEC validation starts from (smtp_dns_support_level"
                        + " = dnssec); the default is Debian's dns-root-data root key"),
            new Parameter("smtp_sasl_auth_enable", BOOLEAN, DefaultValue.of("no"),
                    "authenticate to next hops that offer AUTH, with smtp_sasl_password_maps"),
            new Parameter("smtp_sasl_password_maps", LIST, DefaultValue.of(""),
                    "tables of user:password by sender, remote host name or next hop as written"),
            new Parameter("smtp_sender_dependent_authentication", BOOLEAN, DefaultValue.of("no"),
                    "look up smtp_sasl_password_maps by envelope sender first"),
            new Parameter("smtp_connection_cache_on_demand", BOOLEAN, DefaultValue.of("yes"),
                    "keep SMTP connections to a next hop open for the next mail to it"),
            new Parameter("smtp_connection_cache_time_limit", TIME, DefaultValue.of("2s"),
                    "how long an idle cached SMTP connection is kept"),
            new Parameter("default_destination_concurrency_limit", NUMBER, DefaultValue.of("20"),
                    "the most deliveries in progress at once to one destination"),

            // Queue: retries, lifetimes, notifications
            new Parameter("queue_run_delay", TIME, DefaultValue.of("300s"),
                    "how often deferred mail is scanned (Postern checks due mail continuously; kept for postconf)"),
            new Parameter("minimal_backoff_time", TIME, DefaultValue.of("300s"),
                    "the shortest wait before a deferred message is tried again"),
            new Parameter("maximal_backoff_time", TIME, DefaultValue.of("4000s"),
                    "the longest wait before a deferred message is tried again"),
            new Parameter("maximal_queue_lifetime", TIME, DefaultValue.of("5d"),
                    "how long a message may stay deferred before it is returned to its sender"),
            new Parameter("bounce_queue_lifetime", TIME, DefaultValue.of("5d"),
                    "how long a bounce (null sender) may stay deferred before it is given up"),
            new Parameter("delay_warning_time", TIME, DefaultValue.of("0h"),
                    "after how long the sender of a still-deferred message is warned once (0: never)"),
            new Parameter("notify_classes", LIST, DefaultValue.of("resource, software"),
                    "problems reported to the postmaster (bounce, 2bounce, delay, resource, software)"),
            new Parameter("bounce_notice_recipient", STRING, DefaultValue.of("postmaster"),
                    "who gets the postmaster copy of bounces (notify_classes bounce)"),
            new Parameter("2bounce_notice_recipient", STRING, DefaultValue.of("postmaster"),
                    "who gets undeliverable bounces (notify_classes 2bounce)"),
            new Parameter("delay_notice_recipient", STRING, DefaultValue.of("postmaster"),
                    "who gets the postmaster copy of delay warnings (notify_classes delay)"),
            new Parameter("double_bounce_sender", STRING, DefaultValue.of("double-bounce"),
                    "the sender of postmaster notifications; mail to it is discarded, so they never loop"),
            new Parameter("bounce_size_limit", SIZE, DefaultValue.of("50000"),
                    "the most of the original message a bounce returns; larger ones return only the headers"),
            new Parameter("postern_future_release_max_interval", TIME, DefaultValue.of("0s"),
                    "how far ahead a client may ask for release with MAIL FROM HOLDFOR=/HOLDUNTIL= (RFC 4865 FUTURERELEASE);"
                        + " 0: not offered. Set per listener (submission: 7d)"),
            new Parameter("postern_delivery_windows", LIST, DefaultValue.of(""),
                    "tables of delivery windows: transport name or next hop, then days, time ranges and a zone"
                        + " (e.g. example.com Mon-Fri 22:00-06:00 Europe/Berlin); mail outside its window waits"),

            // SMTP server
            new Parameter("smtpd_banner", STRING, DefaultValue.of("$myhostname ESMTP $mail_name"),
                    "the text after 220 in the SMTP greeting"),
            new Parameter("smtpd_timeout", TIME, DefaultValue.of("300s"),
                    "how long the SMTP server waits for the client's next command or data before 421 and disconnect"),
            new Parameter("smtpd_client_restrictions", LIST, DefaultValue.of(""),
                    "restrictions on the client, evaluated at each RCPT TO (smtpd_delay_reject)"),
            new Parameter("smtpd_helo_restrictions", LIST, DefaultValue.of(""),
                    "restrictions on the HELO/EHLO name, evaluated at each RCPT TO"),
            new Parameter("smtpd_sender_restrictions", LIST, DefaultValue.of(""),
                    "restrictions on the MAIL FROM address, evaluated at each RCPT TO"),
            new Parameter("smtpd_relay_restrictions", LIST,
                    DefaultValue.of("permit_mynetworks, permit_sasl_authenticated, defer_unauth_destination"),
                    "the relay policy, evaluated at each RCPT TO before smtpd_recipient_restrictions"),
            new Parameter("smtpd_recipient_restrictions", LIST, DefaultValue.of(""),
                    "restrictions on the RCPT TO address"),
            new Parameter("smtpd_reject_unlisted_recipient", BOOLEAN, DefaultValue.of("yes"),
                    "refuse unknown users of the local and virtual mailbox domains at RCPT, whatever the lists say"),
            new Parameter("smtpd_reject_unlisted_sender", BOOLEAN, DefaultValue.of("no"),
                    "refuse MAIL FROM addresses of the local and virtual mailbox domains that no user has"),
            new Parameter("smtpd_data_restrictions", LIST, DefaultValue.of(""),
                    "restrictions evaluated at the DATA command (e.g. reject_unauth_pipelining)"),
            new Parameter("smtpd_end_of_data_restrictions", LIST, DefaultValue.of(""),
                    "restrictions evaluated after the final dot of the message, before it is queued"),
            new Parameter("smtpd_delay_reject", BOOLEAN, DefaultValue.of("yes"),
                    "evaluate the client, HELO and sender restrictions at RCPT TO; no: at connect, HELO and MAIL FROM"),
            new Parameter("smtpd_helo_required", BOOLEAN, DefaultValue.of("no"),
                    "refuse MAIL FROM (503 5.5.1) until the client has said HELO or EHLO"),
            new Parameter("disable_vrfy_command", BOOLEAN, DefaultValue.of("no"),
                    "answer VRFY with 502 5.5.1 instead of running it, so that addresses cannot be harvested"),
            new Parameter("smtpd_restriction_classes", LIST, DefaultValue.of(""),
                    "names of user-defined restriction lists, each then set as a parameter: name = restrictions"),
            new Parameter("soft_bounce", BOOLEAN, DefaultValue.of("no"),
                    "turn 5xx rejections into 4xx, as a safety net while changing the configuration"),
            new Parameter("reject_code", NUMBER, DefaultValue.of("554"), "the reply code of reject"),
            new Parameter("defer_code", NUMBER, DefaultValue.of("450"), "the reply code of defer"),
            new Parameter("relay_domains_reject_code", NUMBER, DefaultValue.of("554"),
                    "the reply code of reject_unauth_destination (defer_unauth_destination: minus 100)"),
            new Parameter("access_map_reject_code", NUMBER, DefaultValue.of("554"),
                    "the reply code of a REJECT result of an access table"),
            new Parameter("access_map_defer_code", NUMBER, DefaultValue.of("450"),
                    "the reply code of a DEFER result of an access table"),
            new Parameter("non_fqdn_reject_code", NUMBER, DefaultValue.of("504"),
                    "the reply code of the reject_non_fqdn_* restrictions"),
            new Parameter("invalid_hostname_reject_code", NUMBER, DefaultValue.of("501"),
                    "the reply code of reject_invalid_helo_hostname"),
            new Parameter("plaintext_reject_code", NUMBER, DefaultValue.of("450"),
                    "the reply code of reject_plaintext_session"),
            new Parameter("multi_recipient_bounce_reject_code", NUMBER, DefaultValue.of("550"),
                    "the reply code of reject_multi_recipient_bounce"),

            // DNS-based restrictions
            new Parameter("maps_rbl_reject_code", NUMBER, DefaultValue.of("554"),
                    "the reply code ($rbl_code) when a DNS block list lists the client, sender, ..."),
            new Parameter("default_rbl_reply", RAW, DefaultValue.of("$rbl_code Service unavailable; $rbl_class "
                        + "[$rbl_what] blocked using $rbl_domain${rbl_reason?; $rbl_reason}"),
                    "the reply template of reject_rbl_client and reject_rhsbl_* ($rbl_code, $rbl_class, $rbl_what, "
                        + "$rbl_domain, $rbl_reason are expanded when used)"),
            new Parameter("rbl_reply_maps", LIST, DefaultValue.of(""),
                    "lookup tables of reply templates by DNS list domain, instead of default_rbl_reply"),
            new Parameter("unknown_address_reject_code", NUMBER, DefaultValue.of("450"),
                    "the reply code of reject_unknown_sender_domain and reject_unknown_recipient_domain"),
            new Parameter("unknown_client_reject_code", NUMBER, DefaultValue.of("450"),
                    "the reply code of reject_unknown_client_hostname and reject_unknown_reverse_client_hostname"),
            new Parameter("unknown_hostname_reject_code", NUMBER, DefaultValue.of("450"),
                    "the reply code of reject_unknown_helo_hostname"),
            new Parameter("reject_tempfail_action", STRING, DefaultValue.of("defer_if_permit"),
                    "what a temporary DNS failure in a reject_unknown_* check does: defer_if_permit or defer"),
            new Parameter("unknown_address_tempfail_action", STRING, DefaultValue.of("$reject_tempfail_action"),
                    "reject_tempfail_action for reject_unknown_sender_domain and reject_unknown_recipient_domain"),
            new Parameter("unknown_helo_hostname_tempfail_action", STRING, DefaultValue.of("$reject_tempfail_action"),
                    "reject_tempfail_action for reject_unknown_helo_hostname"),

            // Address verification (reject_unverified_recipient, reject_unverified_sender)
            new Parameter("address_verify_map", STRING, DefaultValue.of("var/verify_cache"),
                    "the file of the address verification cache (Postern's own format; Postfix: btree:$data_directory/verify_cache)"),
            new Parameter("address_verify_sender", STRING, DefaultValue.of("$double_bounce_sender"),
                    "the MAIL FROM of address verification probes (qualified with $myorigin)"),
            new Parameter("address_verify_positive_expire_time", TIME, DefaultValue.of("31d"),
                    "after how long a deliverable result is forgotten"),
            new Parameter("address_verify_positive_refresh_time", TIME, DefaultValue.of("7d"),
                    "after how long a deliverable result is probed again (still answered meanwhile)"),
            new Parameter("address_verify_negative_cache", BOOLEAN, DefaultValue.of("yes"),
                    "whether failed probes are cached"),
            new Parameter("address_verify_negative_expire_time", TIME, DefaultValue.of("3d"),
                    "after how long a failed result is forgotten"),
            new Parameter("address_verify_negative_refresh_time", TIME, DefaultValue.of("3h"),
                    "after how long a failed result is probed again (still answered meanwhile)"),
            new Parameter("address_verify_poll_count", NUMBER, DefaultValue.of("3"),
                    "how many times the SMTP server asks about an address being probed before it answers 'in progress'"),
            new Parameter("address_verify_poll_delay", TIME, DefaultValue.of("3s"),
                    "the time between those questions"),
            new Parameter("unverified_recipient_reject_code", NUMBER, DefaultValue.of("450"),
                    "the reply code of reject_unverified_recipient for an undeliverable address"),
            new Parameter("unverified_recipient_defer_code", NUMBER, DefaultValue.of("450"),
                    "the reply code of reject_unverified_recipient for an address not verified yet"),
            new Parameter("unverified_recipient_tempfail_action", STRING, DefaultValue.of("$reject_tempfail_action"),
                    "what an address not verified yet does with reject_unverified_recipient: defer_if_permit or defer"),
            new Parameter("unverified_recipient_reject_reason", STRING, DefaultValue.of(""),
                    "the text of reject_unverified_recipient's rejection instead of the next hop's"),
            new Parameter("unverified_sender_reject_code", NUMBER, DefaultValue.of("450"),
                    "the reply code of reject_unverified_sender for an undeliverable address"),
            new Parameter("unverified_sender_defer_code", NUMBER, DefaultValue.of("450"),
                    "the reply code of reject_unverified_sender for an address not verified yet"),
            new Parameter("unverified_sender_tempfail_action", STRING, DefaultValue.of("$reject_tempfail_action"),
                    "what an address not verified yet does with reject_unverified_sender: defer_if_permit or defer"),
            new Parameter("unverified_sender_reject_reason", STRING, DefaultValue.of(""),
                    "the text of reject_unverified_sender's rejection instead of the next hop's"),

            // Policy delegation (check_policy_service); a check_policy_service { server, name=value } overrides them
            new Parameter("smtpd_policy_service_timeout", TIME, DefaultValue.of("100s"),
                    "the time limit of connecting to a policy server, sending a request and reading its reply"),
            new Parameter("smtpd_policy_service_max_idle", TIME, DefaultValue.of("300s"),
                    "a connection to a policy server unused for this long is closed instead of reused"),
            new Parameter("smtpd_policy_service_max_ttl", TIME, DefaultValue.of("1000s"),
                    "a connection to a policy server older than this is closed instead of reused"),
            new Parameter("smtpd_policy_service_request_limit", NUMBER, DefaultValue.of("0"),
                    "requests per connection to a policy server; 0 = no limit"),
            new Parameter("smtpd_policy_service_try_limit", NUMBER, DefaultValue.of("2"),
                    "attempts of one policy request before the default action applies"),
            new Parameter("smtpd_policy_service_retry_delay", TIME, DefaultValue.of("1s"),
                    "the pause between attempts of one policy request"),
            new Parameter("smtpd_policy_service_default_action", STRING, DefaultValue.of("451 4.3.5 Server configuration problem"),
                    "the access(5) action when a policy server does not answer"),
            new Parameter("smtpd_policy_service_policy_context", STRING, DefaultValue.of(""),
                    "sent to policy servers as policy_context, to tell apart the listeners or lists that ask"),
            // TLS and SASL of the SMTP server (each listener may override them in smtpserver.xml)
            new Parameter("smtpd_tls_security_level", STRING, DefaultValue.of("may"),
                    "none, may (offer STARTTLS) or encrypt (require it); Postern's default is may, like Debian's main.cf"),
            new Parameter("smtpd_tls_cert_file", STRING, DefaultValue.of(""),
                    "the server certificate: PEM (with its chain), or a PKCS#12 file (.p12/.pfx); empty = a self-signed one in var/tls/"),
            new Parameter("smtpd_tls_key_file", STRING, DefaultValue.of("$smtpd_tls_cert_file"),
                    "the PEM private key of smtpd_tls_cert_file (may be the same file)"),
            new Parameter("postern_smtpd_tls_pkcs12_password", STRING, DefaultValue.of(""),
                    "the password of a PKCS#12 smtpd_tls_cert_file"),
            new Parameter("smtpd_tls_wrappermode", BOOLEAN, DefaultValue.of("no"),
                    "TLS from the first byte (port 465, submissions) instead of STARTTLS"),
            new Parameter("smtpd_tls_auth_only", BOOLEAN, DefaultValue.of("no"),
                    "offer and accept AUTH only after TLS"),
            new Parameter("smtpd_sasl_auth_enable", BOOLEAN, DefaultValue.of("no"),
                    "offer AUTH with the mechanisms of the smtpd_sasl_type server"),
            new Parameter("smtpd_sasl_type", STRING, DefaultValue.of("postern"),
                    "who checks AUTH: postern (Postern's users, PLAIN and LOGIN) or dovecot (Dovecot's auth service at smtpd_sasl_path)"),
            new Parameter("smtpd_sasl_path", STRING, DefaultValue.of("private/auth"),
                    "dovecot: the auth service, inet:host:port or a unix socket (a relative path is under var/)"),
            new Parameter("smtpd_sasl_service", STRING, DefaultValue.of("smtp"),
                    "dovecot: the service name sent to Dovecot (service=)"),
            new Parameter("smtpd_sasl_security_options", LIST, DefaultValue.of("noanonymous"),
                    "mechanisms not offered without TLS: noanonymous, noplaintext, nodictionary, noactive, mutual_auth, forward_secrecy"),
            new Parameter("smtpd_sasl_tls_security_options", LIST, DefaultValue.of("$smtpd_sasl_security_options"),
                    "smtpd_sasl_security_options once the session is encrypted"),
            new Parameter("smtpd_sasl_local_domain", STRING, DefaultValue.of(""),
                    "postern: the domain appended to a login name without @ before the users store checks it"),
            new Parameter("smtpd_sasl_authenticated_header", BOOLEAN, DefaultValue.of("no"),
                    "record the login name in the Received: header (Authenticated sender: NAME)"),
            new Parameter("broken_sasl_auth_clients", BOOLEAN, DefaultValue.of("no"),
                    "also announce AUTH=MECHANISMS, the form old Outlook versions read"),
            new Parameter("smtpd_sender_login_maps", STRING, DefaultValue.of(""),
                    "table: MAIL FROM address -> the SASL login names that own it (reject_sender_login_mismatch)"),
            new Parameter("smtpd_client_auth_rate_limit", NUMBER, DefaultValue.of("0"),
                    "AUTH commands a client may send per minute; 0 = no limit; mynetworks exempt"),

            // Content inspection (cleanup's header_checks and body_checks, run before the reply to DATA)
            new Parameter("header_checks", LIST, DefaultValue.of(""),
                    "pattern tables (regexp:, pcre:) applied to each logical primary message header"),
            new Parameter("mime_header_checks", LIST, DefaultValue.of("$header_checks"),
                    "pattern tables applied to MIME headers (Content-*, MIME-Version) and to the headers of body parts"),
            new Parameter("nested_header_checks", LIST, DefaultValue.of("$header_checks"),
                    "pattern tables applied to the non-MIME headers of attached (message/rfc822) messages"),
            new Parameter("body_checks", LIST, DefaultValue.of(""),
                    "pattern tables applied to each message body line, MIME boundaries included"),
            new Parameter("body_checks_size_limit", NUMBER, DefaultValue.of("51200"),
                    "how many bytes of each body part body_checks inspect (0: all)"),
            new Parameter("header_size_limit", NUMBER, DefaultValue.of("102400"),
                    "bytes of one logical (folded) message header; the excess is discarded as the message is received"),
            new Parameter("hopcount_limit", NUMBER, DefaultValue.of("50"),
                    "Received: headers (this server's included) at which a message is refused: 554 5.4.0 Error: too many hops"),
            new Parameter("header_address_token_limit", NUMBER, DefaultValue.of("10240"),
                    "address tokens kept of one address header (From:, To:, Cc:, ...); the excess is discarded"),
            new Parameter("postern_header_block_size_limit", NUMBER, DefaultValue.of("262144"),
                    "bytes of a message's whole primary header; a larger one is refused with 552 5.3.4,"
                        + " since the mail pipeline holds the header in memory"),

            // Milters (the Sendmail milter protocol, asked during the SMTP dialogue, before the reply to DATA)
            new Parameter("smtpd_milters", LIST, DefaultValue.of(""),
                    "filters (inet:host:port, unix:/path) asked in order about each SMTP session and message"),
            new Parameter("non_smtpd_milters", LIST, DefaultValue.of(""),
                    "filters asked about mail Postern makes itself, of the classes internal_mail_filter_classes names"),
            new Parameter("internal_mail_filter_classes", LIST, DefaultValue.of(""),
                    "classes of Postern's own mail shown to non_smtpd_milters: bounce (delivery status"
                        + " notifications), notify"),
            new Parameter("smtpd_milter_maps", LIST, DefaultValue.of(""),
                    "tables looked up by the SMTP client's address: a filter list that replaces smtpd_milters for"
                        + " that client, or DISABLE for none"),
            new Parameter("milter_protocol", STRING, DefaultValue.of("6"),
                    "the milter protocol version offered to filters (2 to 6)"),
            new Parameter("milter_default_action", STRING, DefaultValue.of("tempfail"),
                    "what a filter that is down, too slow or broken stands for: accept, reject, tempfail or quarantine"),
            new Parameter("milter_connect_timeout", TIME, DefaultValue.of("30s"),
                    "how long to wait for a filter's connection and option negotiation"),
            new Parameter("milter_command_timeout", TIME, DefaultValue.of("30s"),
                    "how long to wait for a filter's reply to connect, HELO, MAIL, RCPT and DATA"),
            new Parameter("milter_content_timeout", TIME, DefaultValue.of("300s"),
                    "how long to wait for a filter's reply to headers, body and end of message"),
            new Parameter("milter_connect_macros", STRING, DefaultValue.of("j {daemon_name} {daemon_addr} v _"),
                    "macros sent to filters with the connect event"),
            new Parameter("milter_helo_macros", STRING,
                    DefaultValue.of("{tls_version} {cipher} {cipher_bits} {cert_subject} {cert_issuer}"),
                    "macros sent to filters with HELO/EHLO"),
            new Parameter("milter_mail_macros", STRING,
                    DefaultValue.of("i {auth_type} {auth_authen} {auth_author} {mail_addr} {mail_host} {mail_mailer}"),
                    "macros sent to filters with MAIL FROM"),
            new Parameter("milter_header_checks", LIST, DefaultValue.of(""),
                    "header_checks(5) tables applied to each header a milter adds or changes, before it is applied"),
            new Parameter("milter_rcpt_macros", STRING, DefaultValue.of("i {rcpt_addr} {rcpt_host} {rcpt_mailer}"),
                    "macros sent to filters with RCPT TO"),
            new Parameter("milter_data_macros", STRING, DefaultValue.of("i"), "macros sent to filters with DATA"),
            new Parameter("milter_end_of_header_macros", STRING, DefaultValue.of("i"),
                    "macros sent to filters at the end of the message headers"),
            new Parameter("milter_end_of_data_macros", STRING, DefaultValue.of("i"),
                    "macros sent to filters at the end of the message"),
            new Parameter("milter_macro_daemon_name", STRING, DefaultValue.of("$myhostname"),
                    "the {daemon_name} macro's value"),
            new Parameter("milter_macro_v", STRING, DefaultValue.of("$mail_name $mail_version"),
                    "the v macro's value"),

            // postscreen(8): the MX listener's first line (docs/postscreen.md)
            new Parameter("postscreen_access_list", LIST, DefaultValue.of("permit_mynetworks"),
                    "permanent allow/deny list by client address: permit_mynetworks and cidr: tables with permit, reject or dunno"),
            new Parameter("postscreen_denylist_action", STRING, DefaultValue.of("ignore"),
                    "what to do with a client postscreen_access_list rejects: ignore, enforce or drop"),
            new Parameter("postscreen_greet_banner", STRING, DefaultValue.of("$smtpd_banner"),
                    "the text of the 220- teaser sent before the pregreet wait; empty sends none"),
            new Parameter("postscreen_greet_wait", TIME, DefaultValue.of("6s"),
                    "how long the pregreet test listens for a client that talks before its turn"),
            new Parameter("postscreen_greet_action", STRING, DefaultValue.of("ignore"),
                    "what to do with a client that talks before its turn: ignore, enforce or drop"),
            new Parameter("postscreen_greet_ttl", TIME, DefaultValue.of("1d"),
                    "how long a passed pregreet test is remembered in the postscreen cache"),
            new Parameter("postscreen_dnsbl_sites", LIST, DefaultValue.of(""),
                    "DNS allow/deny lists, domain[=filter][*weight] (negative weights for allowlists), queried in parallel"),
            new Parameter("postscreen_dnsbl_threshold", NUMBER, DefaultValue.of("1"),
                    "the combined DNSBL score from which postscreen_dnsbl_action applies"),
            new Parameter("postscreen_dnsbl_allowlist_threshold", NUMBER, DefaultValue.of("0"),
                    "a negative combined DNSBL score at or below which the client skips the other tests (0 disables)"),
            new Parameter("postscreen_dnsbl_action", STRING, DefaultValue.of("ignore"),
                    "what to do with a client whose DNSBL score reaches the threshold: ignore, enforce or drop"),
            new Parameter("postscreen_dnsbl_reply_map", STRING, DefaultValue.of(""),
                    "a table mapping a DNSBL domain to the name shown in reject replies (hides the list's name)"),
            new Parameter("postscreen_dnsbl_timeout", TIME, DefaultValue.of("10s"),
                    "how long the DNSBL queries may take; a list that has not answered by then counts nothing"),
            new Parameter("postscreen_dnsbl_min_ttl", TIME, DefaultValue.of("60s"),
                    "the shortest time a passed DNSBL test is remembered"),
            new Parameter("postscreen_dnsbl_max_ttl", TIME, DefaultValue.of("1h"),
                    "the longest time a passed DNSBL test is remembered (Postern: how long it is remembered)"),
            new Parameter("postscreen_pipelining_enable", BOOLEAN, DefaultValue.of("no"),
                    "whether the deep protocol test for a command sent before the reply to the previous one runs (after the 220 greeting; a client that passes must reconnect)"),
            new Parameter("postscreen_pipelining_action", STRING, DefaultValue.of("enforce"),
                    "what to do with a client that fails that test: ignore, enforce or drop"),
            new Parameter("postscreen_pipelining_ttl", TIME, DefaultValue.of("30d"),
                    "how long a passed pipelining test is remembered in the postscreen cache"),
            new Parameter("postscreen_non_smtp_command_enable", BOOLEAN, DefaultValue.of("no"),
                    "whether the deep protocol test for CONNECT, GET, POST, a header line or a line not starting with a letter runs (after the 220 greeting; a client that passes must reconnect)"),
            new Parameter("postscreen_non_smtp_command_action", STRING, DefaultValue.of("drop"),
                    "what to do with a client that fails that test: ignore, enforce or drop"),
            new Parameter("postscreen_non_smtp_command_ttl", TIME, DefaultValue.of("30d"),
                    "how long a passed non smtp command test is remembered in the postscreen cache"),
            new Parameter("postscreen_bare_newline_enable", BOOLEAN, DefaultValue.of("no"),
                    "whether the deep protocol test for a line ended by a newline without a carriage return runs (after the 220 greeting; a client that passes must reconnect)"),
            new Parameter("postscreen_bare_newline_action", STRING, DefaultValue.of("ignore"),
                    "what to do with a client that fails that test: ignore, enforce or drop"),
            new Parameter("postscreen_bare_newline_ttl", TIME, DefaultValue.of("30d"),
                    "how long a passed bare newline test is remembered in the postscreen cache"),
            new Parameter("postscreen_cache_map", STRING, DefaultValue.of("var/postscreen_cache"),
                    "the file of postscreen's cache of passed tests (Postern's own format; Postfix: btree:$data_directory/postscreen_cache)"),
            new Parameter("postscreen_cache_retention_time", TIME, DefaultValue.of("7d"),
                    "how long an entry whose tests have all expired stays in the cache"),
            new Parameter("postscreen_upstream_proxy_protocol", STRING, DefaultValue.of(""),
                    "the proxy protocol spoken before SMTP on the postscreen listener: empty or haproxy (v1 and v2)"),
            new Parameter("postscreen_upstream_proxy_timeout", TIME, DefaultValue.of("5s"),
                    "how long postscreen waits for the proxy protocol header"),
            new Parameter("smtpd_upstream_proxy_protocol", STRING, DefaultValue.of(""),
                    "the proxy protocol spoken before SMTP on a plain smtpd listener: empty or haproxy (v1 and v2)"),

            // Postern listeners
            new Parameter("postern_smtpd_listen", LISTEN_ADDRESS, DefaultValue.of("0.0.0.0:2525"),
                    "address of the SMTP (MX) listener; empty disables it"),
            new Parameter("postern_submission_listen", LISTEN_ADDRESS, DefaultValue.of("0.0.0.0:2587"),
                    "address of the submission (STARTTLS) listener; empty disables it"),
            new Parameter("postern_submissions_listen", LISTEN_ADDRESS, DefaultValue.of("0.0.0.0:2465"),
                    "address of the submissions (implicit TLS) listener; empty disables it"),
            new Parameter("postern_users_database", STRING, DefaultValue.of(""),
                    "pgsql:/path/file.cf or mysql:/path/file.cf: the SMTP AUTH users in that database, shared by every node;"
                    + " empty keeps them in var/store/users.properties"),
            new Parameter("postern_domains_database", STRING, DefaultValue.of(""),
                    "pgsql:/path/file.cf or mysql:/path/file.cf: the domains added through WebAdmin in that database, shared by"
                    + " every node; empty keeps them in var/store/domains"),
            new Parameter("postern_webadmin_listen", LISTEN_ADDRESS, DefaultValue.of("127.0.0.1:8000"),
                    "address of the WebAdmin API (every route needs the token of var/store/webadmin.token); empty disables it"),
            new Parameter("postern_metrics_listen", LISTEN_ADDRESS, DefaultValue.of(""),
                    "address of a Prometheus scrape listener serving /metrics without a credential, such as"
                        + " 127.0.0.1:9154; empty (the default) disables it"),

            // Postern DNS
            new Parameter("postern_dns_servers", DNS_SERVERS, DefaultValue.of(""),
                    "DNS servers of the DNS-based restrictions and client names, address[:port] ([ipv6]:port);"
                        + " empty means those of /etc/resolv.conf"),

            // Postern MTA-STS and TLS reporting (docs/outbound-tls.md)
            new Parameter("postern_mta_sts", BOOLEAN, DefaultValue.of("no"),
                    "apply the MTA-STS policies (RFC 8461) of recipient domains to their MX delivery; the policy is"
                        + " fetched over HTTPS and verified with smtp_tls_CAfile or the JVM's trust store"),
            new Parameter("postern_tls_reports", BOOLEAN, DefaultValue.of("no"),
                    "send TLS reports (RFC 8460) on the MTA-STS sessions to the rua of each policy domain's _smtp._tls record"),
            new Parameter("postern_tls_report_interval", TIME, DefaultValue.of("1d"),
                    "how often the TLS reports are sent, each covering the sessions since the last"),
            new Parameter("postern_tls_report_organization", STRING, DefaultValue.of("$myhostname"),
                    "the organization-name of the TLS reports"),
            new Parameter("postern_tls_report_contact", STRING, DefaultValue.of("postmaster@$myhostname"),
                    "the contact-info of the TLS reports, and their sender"));

    /** How far a misspelt name may be from a known one to be suggested. */
    private static final int SUGGESTION_DISTANCE = 2;

    private Parameters() {
    }

    public static Optional<Parameter> find(String name) {
        return Optional.ofNullable(TABLE.get(name));
    }

    /** @throws IllegalArgumentException {@code unknown parameter "NAME"} */
    public static Parameter get(String name) {
        Parameter parameter = TABLE.get(name);
        if (parameter == null) {
            throw new IllegalArgumentException(unknown(name));
        }
        return parameter;
    }

    public static boolean isKnown(String name) {
        return TABLE.containsKey(name);
    }

    public static SortedSet<String> names() {
        return Collections.unmodifiableSortedSet(new TreeSet<>(TABLE.keySet()));
    }

    /** All rows, in table order. */
    public static Collection<Parameter> all() {
        return TABLE.values();
    }

    /** The closest known name within a small edit distance, for "did you mean" hints. */
    public static Optional<String> suggest(String unknown) {
        return TABLE.keySet().stream()
                .filter(name -> EditDistance.between(unknown, name) <= SUGGESTION_DISTANCE)
                .min(Comparator.<String>comparingInt(name -> EditDistance.between(unknown, name))
                        .thenComparing(Comparator.naturalOrder()));
    }

    /** {@code unknown parameter "NAME"}, with a suggestion when one is close. */
    static String unknown(String name) {
        return "unknown parameter \"" + name + "\"" + didYouMean(name);
    }

    /** {@code  (did you mean "NAME"?)}, or nothing. */
    static String didYouMean(String name) {
        return suggest(name).map(s -> " (did you mean \"" + s + "\"?)").orElse("");
    }

    private static Map<String, Parameter> index(Parameter... rows) {
        Map<String, Parameter> table = new LinkedHashMap<>();
        for (Parameter row : rows) {
            if (table.put(row.name(), row) != null) {
                throw new IllegalStateException("parameter defined twice: " + row.name());
            }
        }
        return Collections.unmodifiableMap(table);
    }
}
