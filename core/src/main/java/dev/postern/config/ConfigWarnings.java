package dev.postern.config;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Settings that are valid but hurt other people, or that Postern ignores, reported when the server
 * starts (mail log, {@code warning:}) and by {@code postern check}; the server starts anyway, as
 * Postfix would. The ones about parameter names come first ({@link MainCf#warnings()}).
 *
 * <p>{@code relay_domains} with an empty {@code relay_recipient_maps}: every local part of a relay
 * domain is accepted at RCPT, and mail to one that does not exist is bounced later by the next hop,
 * to a sender that is usually forged. postconf(5) calls such domains "a source of backscatter mail".
 * Relay domains that are also in {@code mydestination} are of the local class and are checked by
 * {@code local_recipient_maps} instead, so they do not count.
 *
 * <p>{@code smtp_tls_security_level} at {@code dane} or {@code dane-only} without
 * {@code smtp_dns_support_level = dnssec}: accepted as in Postfix, but what Postern does then is
 * said at every start.
 */
public final class ConfigWarnings {
    private ConfigWarnings() {
    }

    /** The warnings about {@code mainCf}, one line each, without the {@code warning:} prefix; empty if none. */
    public static List<String> of(MainCf mainCf) {
        List<String> warnings = new ArrayList<>(mainCf.warnings());
        List<String> relayOnly = relayOnlyDomains(mainCf);
        if (!relayOnly.isEmpty() && mainCf.list("relay_recipient_maps").isEmpty()) {
            warnings.add("relay_domains is set (" + String.join(", ", relayOnly) + ") but relay_recipient_maps is empty:"
                + " mail for every local part of those domains is accepted, and mail for non-existent recipients is"
                + " bounced later to senders that are often forged (backscatter); list the valid recipients"
                + " (or @domain for a domain without a recipient list) in relay_recipient_maps");
        }
        tlsLevelWarning(mainCf.get("smtp_tls_security_level"), mainCf.get("smtp_dns_support_level")).ifPresent(warnings::add);
        return warnings;
    }

    /**
     * The SMTP client's TLS levels Postern accepts but cannot honour as configured: {@code dane}
     * and {@code dane-only} need {@code smtp_dns_support_level = dnssec} (without it dane runs as
     * {@code may}, as Postfix's, and dane-only defers everything).
     */
    private static Optional<String> tlsLevelWarning(String value, String dnsSupportLevel) {
        String level = value.trim().toLowerCase(Locale.ROOT);
        boolean dnssec = dnsSupportLevel.trim().equalsIgnoreCase("dnssec");
        return switch (level) {
            case "dane" -> dnssec ? Optional.empty() : Optional.of("smtp_tls_security_level = dane needs"
                + " smtp_dns_support_level = dnssec to look up TLSA records; without it delivery uses opportunistic TLS"
                + " (as level may), which is what Postfix's dane does without DNSSEC");
            case "dane-only" -> dnssec ? Optional.empty() : Optional.of("smtp_tls_security_level = dane-only needs"
                + " smtp_dns_support_level = dnssec to look up TLSA records; without it every SMTP delivery is deferred"
                + " rather than sent to an unauthenticated server");
            default -> Optional.empty();
        };
    }

    /** The relay_domains entries (domains or tables) that mydestination does not already make local. */
    private static List<String> relayOnlyDomains(MainCf mainCf) {
        Set<String> local = mainCf.list("mydestination").stream()
            .map(ConfigWarnings::fold)
            .collect(Collectors.toSet());
        return mainCf.list("relay_domains").stream()
            .filter(entry -> !local.contains(fold(entry)))
            .toList();
    }

    private static String fold(String domain) {
        String lower = domain.toLowerCase(Locale.ROOT);
        return lower.endsWith(".") ? lower.substring(0, lower.length() - 1) : lower;
    }
}
