package dev.postern.restrictions;

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
import dev.postern.tables.LookupException;
import dev.postern.tables.LookupTable;

/**
 * What restriction lists are parsed and evaluated with: parameter values (reply codes,
 * {@code mynetworks}, {@code soft_bounce}, ...), the restriction classes, the tables, and the
 * address classifier. Parameters are read once, here.
 */
public final class RestrictionConfig {
    final Function<String, LookupTable> tables;
    final AddressClassifier classifier;
    final NetworkList mynetworks;
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
    private final Map<String, List<Restriction>> classes = new HashMap<>();
    private final String senderLoginMapsValue;
    final UnlistedAddresses unlisted;
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
        this(parameters, restrictionClasses, tables, classifier, null);
    }

    /**
     * @param unlisted who the mailbox classes know, for reject_unlisted_recipient/_sender; null
     *                 where there is no users store (those restrictions are then refused at parse time)
     */
    public RestrictionConfig(Function<String, String> parameters, Map<String, String> restrictionClasses,
            Function<String, LookupTable> tables, AddressClassifier classifier, UnlistedAddresses unlisted) {
        this.unlisted = unlisted;
        Function<String, String> value = name -> {
            try {
                return parameters.apply(name);
            } catch (IllegalArgumentException e) {
                return null;
            }
        };
        this.tables = Objects.requireNonNull(tables, "tables");
        this.classifier = Objects.requireNonNull(classifier, "classifier");
        this.mynetworks = NetworkList.parse("mynetworks", PostfixList.split(orDefault(value, "mynetworks", "")));
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
        this.senderLoginMapsValue = orDefault(value, "smtpd_sender_login_maps", "");
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
        return new RestrictionList(parameter, replyClass, RestrictionParser.parse(parameter, value, this, false), this);
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

    boolean isClass(String name) {
        return classes.containsKey(name);
    }

    List<Restriction> classRestrictions(String name) {
        return classes.get(name);
    }

    private static String orDefault(Function<String, String> value, String name, String fallback) {
        String v = value.apply(name);
        return v == null ? fallback : v.trim();
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
