package dev.postern.restrictions;

import java.util.Optional;

import dev.postern.address.ResolvedAddress;
import dev.postern.tables.LookupException;

/**
 * Who the mailbox classes know, for {@code reject_unlisted_recipient} and
 * {@code reject_unlisted_sender}: the table an address of a local or virtual mailbox domain is
 * missing from ({@code local recipient table}, {@code virtual mailbox table}), or empty when the
 * address is listed or belongs to no such class. The SMTP server answers from its users store,
 * and {@link UnlistedRecipients} adds the virtual alias and relay classes and the address maps.
 */
@FunctionalInterface
public interface UnlistedAddresses {
    Optional<String> missingFrom(ResolvedAddress address) throws LookupException;

    /**
     * @param sender whether the address is a sender ({@code reject_unlisted_sender}): the
     *               sender's canonical maps then count instead of the recipient's
     */
    default Optional<String> missingFrom(ResolvedAddress address, boolean sender) throws LookupException {
        return missingFrom(address);
    }
}
