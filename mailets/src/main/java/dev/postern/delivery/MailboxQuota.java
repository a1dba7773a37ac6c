package dev.postern.delivery;

import java.util.List;
import java.util.Optional;

import dev.postern.tables.LookupException;
import dev.postern.tables.LookupTable;

/**
 * How large a mailbox may grow: {@code postern_mailbox_quota_maps} by the recipient's address, then,
 * for the local class, by its user name; else {@code mailbox_size_limit}. 0 means no limit. A table
 * value that is not a number of bytes is a lookup failure (the delivery defers) naming the table.
 */
public final class MailboxQuota {
    private final long mailboxSizeLimit;
    private final List<LookupTable> quotaMaps;

    public MailboxQuota(long mailboxSizeLimit, List<LookupTable> quotaMaps) {
        this.mailboxSizeLimit = mailboxSizeLimit;
        this.quotaMaps = List.copyOf(quotaMaps);
    }

    /** The quota of one mailbox, and whether it comes from the table (a quota of the whole mailbox). */
    public record Limit(long bytes, boolean perUser) {
        public boolean exceededBy(long size) {
            return bytes > 0 && size > bytes;
        }
    }

    /** @param localUser the user of a local-class recipient, empty for the virtual class */
    public Limit limitFor(String address, Optional<String> localUser) throws LookupException {
        for (String key : localUser.map(user -> List.of(address, user)).orElse(List.of(address))) {
            for (LookupTable table : quotaMaps) {
                Optional<String> value = table.lookup(key);
                if (value.isPresent()) {
                    return new Limit(parse(table, key, value.get()), true);
                }
            }
        }
        return new Limit(mailboxSizeLimit, false);
    }

    private static long parse(LookupTable table, String key, String value) throws LookupException {
        try {
            long bytes = Long.parseLong(value.trim());
            if (bytes < 0) {
                throw new NumberFormatException();
            }
            return bytes;
        } catch (NumberFormatException e) {
            throw new LookupException(table.name() + ": quota of " + key + " is not a number of bytes: \"" + value + "\"");
        }
    }
}
