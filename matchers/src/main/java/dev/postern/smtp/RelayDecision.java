package dev.postern.smtp;

import java.net.InetAddress;

import org.apache.james.core.MailAddress;

import dev.postern.address.AddressClassifier;
import dev.postern.address.NetworkList;
import dev.postern.tables.LookupException;

/**
 * Postfix's default relay policy, {@code smtpd_relay_restrictions = permit_mynetworks,
 * permit_sasl_authenticated, defer_unauth_destination}: a recipient is accepted when the
 * client is trusted or when the recipient's domain is a final destination or a relay
 * domain by the shared {@link AddressClassifier} (local, virtual alias, virtual mailbox
 * and relay classes), so that this check and routing can never disagree.
 *
 * <p>Sender-specified routing never grants relay: a local part that still holds
 * {@code %}, {@code !} or {@code @} after parsing ({@code <user%victim@here>},
 * {@code <"user@victim">}, {@code <victim!user@here>}) is not a final destination,
 * as with Postfix's {@code allow_untrusted_routing = no}.
 */
public final class RelayDecision {
    private final NetworkList mynetworks;
    private final AddressClassifier classifier;

    public RelayDecision(NetworkList mynetworks, AddressClassifier classifier) {
        this.mynetworks = mynetworks;
        this.classifier = classifier;
    }

    public enum Verdict { PERMIT_MYNETWORKS, PERMIT_SASL, PERMIT_DESTINATION, DEFER_UNAUTH_DESTINATION }

    /** @throws LookupException when a table of a domain list could not be searched: never a permit */
    public Verdict decide(InetAddress client, boolean authenticated, MailAddress recipient) throws LookupException {
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
    public boolean isAuthorizedDestination(MailAddress recipient) throws LookupException {
        if (hasSenderSpecifiedRouting(recipient.getLocalPart())) {
            return false;
        }
        return classifier.classify(recipient.getDomain().asString()).isAuthorizedDestination();
    }

    static boolean hasSenderSpecifiedRouting(String localPart) {
        return localPart.indexOf('%') >= 0 || localPart.indexOf('!') >= 0 || localPart.indexOf('@') >= 0;
    }
}
