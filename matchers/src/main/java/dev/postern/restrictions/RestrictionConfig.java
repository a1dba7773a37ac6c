package dev.postern.restrictions;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Function;

import dev.postern.address.AddressClassifier;
import dev.postern.address.NetworkList;
import dev.postern.address.ParentStyle;
import dev.postern.address.ResolvedAddress;
import dev.postern.config.PostfixList;
import dev.postern.dns.DnsLookup;
import dev.postern.policy.PolicyServiceAddress;
import dev.postern.policy.PolicyServiceClient;
import dev.postern.policy.PolicyServiceSettings;
import dev.postern.tables.LookupException;
import dev.postern.tables.LookupTable;
import dev.postern.tables.TableSearch;
import dev.postern.verify.AddressVerifier;

/**
 * What restriction lists are parsed and evaluated with: parameter values (reply codes,
 * {@code mynetworks}, {@code soft_bounce}, ...), the restriction classes, the tables, and the
 * address classifier, and the DNS lookup of the DNS-based restrictions. Parameters are read
 * once, here.
 */
public final class RestrictionConfig {
    final Function<String, LookupTable> tables;
    final AddressClassifier classifier;
    final NetworkList mynetworks;
    /** permit_mx_backup_networks; null when empty (no limit). */
    final NetworkList mxBackupNetworks;
    final String myhostname;
    final ParentStyle accessStyle;
    final String recipientDelimiter;
    final boolean softBounce;
    final boolean allowUntrustedRouting;
    final int rejectCode;
    final int deferCode;
    final int relayCode;
    final int nonFqdnCode;
    final int invalidHostnameCode;
    final int plaintextCode;
    final int multiRecipientBounceCode;
    final int accessMapRejectCode;
    final int accessMapDeferCode;
    /** Null when this configuration has no DNS: the DNS-based restrictions are then refused at parse time. */
    final DnsLookup dns;
    final int mapsRblCode;
    final String defaultRblReply;
    final TableSearch rblReplyMaps;
    final int unknownAddressCode;
    final int unknownClientCode;
    final int unknownHostnameCode;
    /** {@code *_tempfail_action = defer_if_permit} (true) or {@code defer} (false). */
    final boolean addressTempfailDeferIfPermit;
    final boolean heloTempfailDeferIfPermit;
    /** The smtpd_policy_service_* parameters, which a check_policy_service { ... } may override. */
    private final PolicyServiceSettings policyDefaults;
    /** One client (one set of connections) per server and settings, shared by every list that names it. */
    private final Map<String, PolicyServiceClient> policyClients = new HashMap<>();
    /** Where a relative {@code unix:} policy socket is. */
    private final Path socketDirectory;
    /** Sent to policy services as compatibility_level and mail_version. */
    final String compatibilityLevel;
    final String mailVersion;
    private final Map<String, List<Restriction>> classes = new HashMap<>();
    private final String senderLoginMapsValue;
    final UnlistedAddresses unlisted;
    /** Null when this configuration has no address verification: reject_unverified_* are then refused at parse time. */
    final AddressVerifier verifier;
    final int verifyPollCount;
    final java.time.Duration verifyPollDelay;
    /** address_verify_sender: reject_unverified_sender never probes it (a probe of a probe would loop). */
    final String verifySender;
    final Unverified unverifiedRecipient;
    final Unverified unverifiedSender;

    /**
     * The unverified_recipient_* or unverified_sender_* parameters.
     *
     * @param deferIfPermit {@code _tempfail_action}: defer_if_permit (true) or defer (false)
     * @param reason        {@code _reject_reason}: replaces the next hop's text when not empty
     */
    record Unverified(int rejectCode, int deferCode, boolean deferIfPermit, String reason) {
    }
    private SenderLoginMaps senderLoginMaps;

    /**
     * @param parameters         the effective value of a parameter by Postfix name ({@code mainCf::get});
     *                           a null answer or an {@link IllegalArgumentException} means the Postfix default
     * @param restrictionClasses {@code smtpd_restriction_classes}: each name with its value
     * @param tables             opens a {@code type:name} table (at parse time, i.e. startup)
     * @param classifier         decides authorized destinations for the *_auth_destination restrictions
     * @throws IllegalArgumentException for a bad parameter value or class definition, naming it
     */
    public RestrictionConfig(Function<String, String> parameters, Map<String, String> restrictionClasses,
            Function<String, LookupTable> tables, AddressClassifier classifier) {
        this(parameters, restrictionClasses, tables, classifier, null, null);
    }

    /**
     * @param dns the DNS of reject_rbl_client, reject_unknown_sender_domain, ...; null refuses
     *            those restrictions when a list names them
     */
    public RestrictionConfig(Function<String, String> parameters, Map<String, String> restrictionClasses,
            Function<String, LookupTable> tables, AddressClassifier classifier, DnsLookup dns) {
        this(parameters, restrictionClasses, tables, classifier, null, dns);
    }

    /**
     * @param unlisted who the mailbox classes know, for reject_unlisted_recipient/_sender; null
     *                 where there is no users store (those restrictions are then refused at parse time)
     */
    public RestrictionConfig(Function<String, String> parameters, Map<String, String> restrictionClasses,
            Function<String, LookupTable> tables, AddressClassifier classifier, UnlistedAddresses unlisted) {
        this(parameters, restrictionClasses, tables, classifier, unlisted, null);
    }

    /**
     * @param unlisted who the mailbox classes know; null refuses reject_unlisted_recipient/_sender
     * @param dns      the DNS of the DNS-based restrictions; null refuses them
     */
    public RestrictionConfig(Function<String, String> parameters, Map<String, String> restrictionClasses,
            Function<String, LookupTable> tables, AddressClassifier classifier, UnlistedAddresses unlisted,
            DnsLookup dns) {
        this(parameters, restrictionClasses, tables, classifier, unlisted, dns, Path.of("var"), null);
    }

    /**
     * @param socketDirectory where the relative socket of a {@code check_policy_service unix:name} is
     *                        (Postern's var/)
     */
    public RestrictionConfig(Function<String, String> parameters, Map<String, String> restrictionClasses,
            Function<String, LookupTable> tables, AddressClassifier classifier, UnlistedAddresses unlisted,
            DnsLookup dns, Path socketDirectory) {
        this(parameters, restrictionClasses, tables, classifier, unlisted, dns, socketDirectory, null);
    }

    /**
     * @param verifier the address verification service of reject_unverified_recipient/_sender; null
     *                 refuses those restrictions when a list names them
     */
    public RestrictionConfig(Function<String, String> parameters, Map<String, String> restrictionClasses,
            Function<String, LookupTable> tables, AddressClassifier classifier, UnlistedAddresses unlisted,
            DnsLookup dns, AddressVerifier verifier) {
        this(parameters, restrictionClasses, tables, classifier, unlisted, dns, Path.of("var"), verifier);
    }

    /**
     * @param unlisted        who the mailbox classes know; null refuses reject_unlisted_recipient/_sender
     * @param dns             the DNS of the DNS-based restrictions; null refuses them
     * @param socketDirectory where the relative socket of a {@code check_policy_service unix:name} is
     *                        (Postern's var/)
     * @param verifier        the address verification service of reject_unverified_recipient/_sender;
     *                        null refuses those restrictions when a list names them
     */
    public RestrictionConfig(Function<String, String> parameters, Map<String, String> restrictionClasses,
            Function<String, LookupTable> tables, AddressClassifier classifier, UnlistedAddresses unlisted,
            DnsLookup dns, Path socketDirectory, AddressVerifier verifier) {
        this.socketDirectory = Objects.requireNonNull(socketDirectory, "socketDirectory");
        this.unlisted = unlisted;
        this.verifier = verifier;
        Function<String, String> value = name -> {
            try {
                return parameters.apply(name);
            } catch (IllegalArgumentException e) {
                return null;
            }
        };
        this.tables = Objects.requireNonNull(tables, "tables");
        this.classifier = Objects.requireNonNull(classifier, "classifier");
        this.mynetworks = NetworkList.parse("mynetworks", PostfixList.split(orDefault(value, "mynetworks", "")), this.tables);
        List<String> mxBackupNetworks = PostfixList.split(orDefault(value, "permit_mx_backup_networks", ""));
        this.mxBackupNetworks = mxBackupNetworks.isEmpty() ? null
            : NetworkList.parse("permit_mx_backup_networks", mxBackupNetworks, this.tables);
        this.myhostname = orDefault(value, "myhostname", "localhost");
        this.accessStyle = ParentStyle.of(PostfixList.split(orDefault(value, "parent_domain_matches_subdomains",
            ParentStyle.POSTFIX_DEFAULT)), ParentStyle.SMTPD_ACCESS_MAPS);
        this.recipientDelimiter = orDefault(value, "recipient_delimiter", "");
        this.softBounce = bool(value, "soft_bounce", false);
        this.allowUntrustedRouting = bool(value, "allow_untrusted_routing", false);
        this.rejectCode = number(value, "reject_code", 554);
        this.deferCode = number(value, "defer_code", 450);
        this.relayCode = number(value, "relay_domains_reject_code", 554);
        this.nonFqdnCode = number(value, "non_fqdn_reject_code", 504);
        this.invalidHostnameCode = number(value, "invalid_hostname_reject_code", 501);
        this.plaintextCode = number(value, "plaintext_reject_code", 450);
        this.multiRecipientBounceCode = number(value, "multi_recipient_bounce_reject_code", 550);
        this.accessMapRejectCode = number(value, "access_map_reject_code", 554);
        this.accessMapDeferCode = number(value, "access_map_defer_code", 450);
        this.dns = dns;
        this.mapsRblCode = number(value, "maps_rbl_reject_code", 554);
        this.defaultRblReply = orDefault(value, "default_rbl_reply", DEFAULT_RBL_REPLY);
        checkTemplate("default_rbl_reply", defaultRblReply);
        this.rblReplyMaps = new TableSearch("rbl_reply_maps", openTables(value, "rbl_reply_maps", tables));
        this.unknownAddressCode = number(value, "unknown_address_reject_code", 450);
        this.unknownClientCode = number(value, "unknown_client_reject_code", 450);
        this.unknownHostnameCode = number(value, "unknown_hostname_reject_code", 450);
        String tempfail = orDefault(value, "reject_tempfail_action", "defer_if_permit");
        tempfailAction("reject_tempfail_action", tempfail);
        this.addressTempfailDeferIfPermit = tempfailAction("unknown_address_tempfail_action",
            orDefault(value, "unknown_address_tempfail_action", tempfail));
        this.heloTempfailDeferIfPermit = tempfailAction("unknown_helo_hostname_tempfail_action",
            orDefault(value, "unknown_helo_hostname_tempfail_action", tempfail));
        this.verifyPollCount = Math.max(1, number(value, "address_verify_poll_count", 3));
        this.verifyPollDelay = duration(value, "address_verify_poll_delay", "3s");
        String verifySenderValue = orDefault(value, "address_verify_sender", "double-bounce");
        this.verifySender = verifySenderValue.indexOf('@') >= 0 || verifySenderValue.isEmpty() ? verifySenderValue
            : verifySenderValue + "@" + orDefault(value, "myorigin", orDefault(value, "myhostname", "localhost"));
        this.unverifiedRecipient = new Unverified(number(value, "unverified_recipient_reject_code", 450),
            number(value, "unverified_recipient_defer_code", 450),
            tempfailAction("unverified_recipient_tempfail_action", orDefault(value, "unverified_recipient_tempfail_action", tempfail)),
            orDefault(value, "unverified_recipient_reject_reason", ""));
        this.unverifiedSender = new Unverified(number(value, "unverified_sender_reject_code", 450),
            number(value, "unverified_sender_defer_code", 450),
            tempfailAction("unverified_sender_tempfail_action", orDefault(value, "unverified_sender_tempfail_action", tempfail)),
            orDefault(value, "unverified_sender_reject_reason", ""));
        this.senderLoginMapsValue = orDefault(value, "smtpd_sender_login_maps", "");
        this.policyDefaults = PolicyServiceSettings.fromParameters(value);
        this.compatibilityLevel = orDefault(value, "compatibility_level", "");
        this.mailVersion = orDefault(value, "mail_version", "");
        Map<String, String> definitions = new LinkedHashMap<>(restrictionClasses);
        for (String name : definitions.keySet()) {
            classes.put(name, List.of());
        }
        for (Map.Entry<String, String> definition : definitions.entrySet()) {
            classes.put(definition.getKey(), RestrictionParser.parse(definition.getKey(), definition.getValue(), this, false));
        }
    }

    /** Parses a standard list parameter ({@code smtpd_recipient_restrictions}, ...). */
    public RestrictionList parse(String parameter, String value) {
        return parse(parameter, value, Stage.ofParameter(parameter));
    }

    /** Parses a list whose replies are of class {@code replyClass}. */
    public RestrictionList parse(String parameter, String value, Stage replyClass) {
        List<Restriction> restrictions = RestrictionParser.parse(parameter, value, this, false);
        if (replyClass == Stage.DATA || replyClass == Stage.END_OF_DATA) {
            restrictions.stream().filter(r -> r.kind() == Restriction.Kind.DEFAULT_ACCESS).findFirst().ifPresent(r -> {
                throw new IllegalArgumentException(parameter + ": bare table \"" + r.argument() + "\": in this list a table"
                    + " has no default kind; write check_client_access, check_helo_access, check_sender_access or"
                    + " check_recipient_access before it");
            });
        }
        return new RestrictionList(parameter, replyClass, restrictions, this);
    }

    /** Opened when a *_sender_login_mismatch restriction is parsed: a missing map is then a startup error. */
    SenderLoginMaps senderLoginMaps() {
        if (senderLoginMaps == null) {
            senderLoginMaps = SenderLoginMaps.open(senderLoginMapsValue, tables, recipientDelimiter);
        }
        return senderLoginMaps;
    }

    /**
     * Whether mail to {@code recipient} needs no relay permission: its class is final
     * ({@code mydestination}, virtual domains, own address literals) or relay
     * ({@code relay_domains}). Sender-specified routing never is, unless
     * {@code allow_untrusted_routing = yes}.
     */
    public boolean isAuthorizedDestination(ResolvedAddress recipient) throws LookupException {
        if (recipient.address().lastIndexOf('@') < 0) {
            return true; // Postfix: "special case that is not supposed to happen"
        }
        if (!allowUntrustedRouting && recipient.isRouted()) {
            return false;
        }
        return classifier.classify(recipient).isAuthorizedDestination();
    }

    /**
     * The client of a check_policy_service argument: {@code inet:host:port}, {@code unix:/path}, or
     * {@code { server, name=value, { name = value with spaces }, ... }} overriding the
     * smtpd_policy_service_* parameters (names without that prefix) for this use.
     *
     * @param where how errors name the restriction
     */
    PolicyServiceClient policyService(String where, String argument) {
        String server = argument;
        PolicyServiceSettings settings = policyDefaults;
        if (argument.startsWith("{")) {
            if (!argument.endsWith("}")) {
                throw new IllegalArgumentException(where + ": missing \"}\"");
            }
            List<String> items = PostfixList.split(argument.substring(1, argument.length() - 1));
            if (items.isEmpty()) {
                throw new IllegalArgumentException(where + ": no server in \"{ }\"");
            }
            server = items.get(0);
            for (String item : items.subList(1, items.size())) {
                String attribute = item.startsWith("{") && item.endsWith("}") ? item.substring(1, item.length() - 1).trim() : item;
                int equals = attribute.indexOf('=');
                if (equals <= 0) {
                    throw new IllegalArgumentException(where + ": expected name=value, not \"" + item + "\"");
                }
                String name = attribute.substring(0, equals).trim();
                settings = settings.with(where + ": " + name, name, attribute.substring(equals + 1).trim());
            }
        }
        PolicyServiceAddress address;
        try {
            address = PolicyServiceAddress.parse(server, socketDirectory);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(where + ": " + e.getMessage(), e);
        }
        PolicyServiceSettings chosen = settings;
        return policyClients.computeIfAbsent(server + " " + chosen, key -> new PolicyServiceClient(address, chosen));
    }

    /**
     * Closes the idle connections to policy services, when this configuration is replaced or the
     * server stops; a session still judged by it opens a connection per request from then on.
     */
    public void closePolicyServices() {
        policyClients.values().forEach(PolicyServiceClient::close);
    }

    boolean isClass(String name) {
        return classes.containsKey(name);
    }

    List<Restriction> classRestrictions(String name) {
        return classes.get(name);
    }

    /** Postfix's default {@code default_rbl_reply}, for callers without main.cf. */
    static final String DEFAULT_RBL_REPLY =
        "$rbl_code Service unavailable; $rbl_class [$rbl_what] blocked using $rbl_domain${rbl_reason?; $rbl_reason}";

    /** The names an RBL reply template may use, with sample values, to check a template at startup. */
    static final Map<String, String> RBL_TEMPLATE_SAMPLE = Map.ofEntries(
        Map.entry("rbl_code", "554"), Map.entry("rbl_domain", "list.example"), Map.entry("rbl_reason", "reason"),
        Map.entry("rbl_txt", "reason"), Map.entry("rbl_what", "192.0.2.1"), Map.entry("rbl_class", "Client host"),
        Map.entry("client_address", "192.0.2.1"), Map.entry("client_name", "unknown"),
        Map.entry("reverse_client_name", "unknown"), Map.entry("helo_name", "helo.example"),
        Map.entry("sender", "s@example.com"), Map.entry("recipient", "r@example.com"));

    private static void checkTemplate(String parameter, String template) {
        try {
            ReplyTemplate.expand(template, RBL_TEMPLATE_SAMPLE::get);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(parameter + ": bad reply template: " + e.getMessage(), e);
        }
    }

    private static List<LookupTable> openTables(Function<String, String> value, String parameter,
            Function<String, LookupTable> tables) {
        List<LookupTable> opened = new ArrayList<>();
        for (String spec : PostfixList.split(orDefault(value, parameter, ""))) {
            try {
                LookupTable table = tables.apply(spec);
                if (table == null) {
                    throw new IllegalArgumentException("no such table");
                }
                opened.add(table);
            } catch (RuntimeException e) {
                throw new IllegalArgumentException(parameter + ": " + spec + ": " + e.getMessage(), e);
            }
        }
        return List.copyOf(opened);
    }

    private static boolean tempfailAction(String parameter, String action) {
        return switch (action.toLowerCase(java.util.Locale.ROOT)) {
            case "defer_if_permit" -> true;
            case "defer" -> false;
            default -> throw new IllegalArgumentException(parameter + ": bad value \"" + action
                + "\" (expected defer_if_permit or defer)");
        };
    }

    private static String orDefault(Function<String, String> value, String name, String fallback) {
        String v = value.apply(name);
        return v == null ? fallback : v.trim();
    }

    private static java.time.Duration duration(Function<String, String> value, String name, String fallback) {
        return dev.postern.config.ParameterType.toDuration(name, orDefault(value, name, fallback));
    }

    private static boolean bool(Function<String, String> value, String name, boolean fallback) {
        String v = orDefault(value, name, fallback ? "yes" : "no");
        if (v.equalsIgnoreCase("yes")) {
            return true;
        }
        if (v.equalsIgnoreCase("no")) {
            return false;
        }
        throw new IllegalArgumentException(name + ": bad boolean value \"" + v + "\"");
    }

    private static int number(Function<String, String> value, String name, int fallback) {
        String v = orDefault(value, name, Integer.toString(fallback));
        try {
            return Integer.parseInt(v);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(name + ": bad numerical value \"" + v + "\"", e);
        }
    }
}
