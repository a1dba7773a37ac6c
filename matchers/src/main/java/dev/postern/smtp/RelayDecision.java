package dev.postern.smtp;

import java.net.InetAddress;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.function.Predicate;

import org.apache.james.core.MailAddress;

import dev.postern.address.NetworkList;

/**
 * Postfix's default relay policy, {@code smtpd_relay_restrictions = permit_mynetworks,
 * permit_sasl_authenticated, defer_unauth_destination}: a recipient is accepted when the
 * client is trusted or when the recipient's domain is a final destination
 * ({@code mydestination}, domains added at run time) or a {@code relay_domains} domain
 * (subdomains included, as Postfix's {@code parent_domain_matches_subdomains} does).
 *
 * <p>Sender-specified routing never grants relay: a local part that still holds
 * {@code %}, {@code !} or {@code @} after parsing ({@code <user%victim@here>},
 * {@code <"user@victim">}, {@code <victim!user@here>}) is not a final destination,
 * as with Postfix's {@code allow_untrusted_routing = no}.
 */
public final class RelayDecision {
    private final NetworkList mynetworks;
    private final Set<String> mydestination;
    private final List<String> relayDomains;
    private final Predicate<String> runtimeDomains;

    public RelayDecision(NetworkList mynetworks, List<String> mydestination, List<String> relayDomains,
                         Predicate<String> runtimeDomains) {
        this.mynetworks = mynetworks;
        this.mydestination = mydestination.stream().map(RelayDecision::fold).collect(java.util.stream.Collectors.toUnmodifiableSet());
        this.relayDomains = relayDomains.stream().map(RelayDecision::fold).toList();
        this.runtimeDomains = runtimeDomains;
    }

    public enum Verdict { PERMIT_MYNETWORKS, PERMIT_SASL, PERMIT_DESTINATION, DEFER_UNAUTH_DESTINATION }

    public Verdict decide(InetAddress client, boolean authenticated, MailAddress recipient) {
        if (mynetworks.contains(client)) {
            return Verdict.PERMIT_MYNETWORKS;
        }
        if (authenticated) {
            return Verdict.PERMIT_SASL;
        }
        if (isAuthorizedDestination(recipient)) {
            return Verdict.PERMIT_DESTINATION;
        }
        return Verdict.DEFER_UNAUTH_DESTINATION;
    }

    /** Postfix's permit_auth_destination test. */
    public boolean isAuthorizedDestination(MailAddress recipient) {
        if (hasSenderSpecifiedRouting(recipient.getLocalPart())) {
            return false;
        }
        String domain = fold(recipient.getDomain().asString());
        return mydestination.contains(domain)
            || runtimeDomains.test(domain)
            || relayDomains.stream().anyMatch(relay -> matchesWithSubdomains(domain, relay));
    }

    static boolean hasSenderSpecifiedRouting(String localPart) {
        return localPart.indexOf('%') >= 0 || localPart.indexOf('!') >= 0 || localPart.indexOf('@') >= 0;
    }

    private static boolean matchesWithSubdomains(String domain, String relay) {
        String bare = relay.startsWith(".") ? relay.substring(1) : relay;
        return domain.equals(bare) || domain.endsWith("." + bare);
    }

    private static String fold(String domain) {
        String lower = domain.toLowerCase(Locale.ROOT);
        return lower.endsWith(".") ? lower.substring(0, lower.length() - 1) : lower;
    }
}
