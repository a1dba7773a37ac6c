package dev.postern.restrictions;

import java.util.List;
import java.util.Set;

import dev.postern.restrictions.Restriction.Kind;

/**
 * Postfix's start-up guard against an open relay: between them, the relay and recipient
 * lists must hold at least one restriction that can refuse a recipient whatever else
 * passed: {@code reject_unauth_destination}, {@code defer_unauth_destination}, {@code reject},
 * {@code defer} or {@code defer_if_permit}, at the top level (a class or table result may
 * not be reached). Without one, every recipient would be accepted from anyone.
 */
public final class RelaySafety {
    private static final Set<Kind> SAFE = Set.of(Kind.REJECT_UNAUTH_DESTINATION, Kind.DEFER_UNAUTH_DESTINATION,
        Kind.REJECT, Kind.DEFER, Kind.DEFER_IF_PERMIT);

    private RelaySafety() {
    }

    /** @throws IllegalArgumentException naming both parameters when neither list can refuse relay */
    public static void check(RestrictionList relay, RestrictionList recipient) {
        if (hasSafeRestriction(relay.restrictions()) || hasSafeRestriction(recipient.restrictions())) {
            return;
        }
        throw new IllegalArgumentException(relay.parameter() + " and " + recipient.parameter()
            + ": neither has reject_unauth_destination, defer_unauth_destination, reject, defer or defer_if_permit;"
            + " Postern will not start as an open relay (Postfix's default: smtpd_relay_restrictions ="
            + " permit_mynetworks, permit_sasl_authenticated, defer_unauth_destination)");
    }

    private static boolean hasSafeRestriction(List<Restriction> restrictions) {
        return restrictions.stream().anyMatch(r -> SAFE.contains(r.kind()));
    }
}
