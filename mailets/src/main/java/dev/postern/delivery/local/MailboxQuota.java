package dev.postern.delivery.local;

import java.util.List;
import java.util.Optional;

import dev.postern.tables.LookupException;
import dev.postern.tables.LookupTable;
import dev.postern.tables.TableSearch;

/**
 * How large a mailbox may grow: {@code postern_mailbox_quota_maps} by the recipient's address, then,
 * for the local class, by its user name; else {@code mailbox_size_limit}. 0 means no limit. A table
 * value that is not a number of bytes is a lookup failure (the delivery defers) naming the table.
 */
public final class MailboxQuota {
    private final long mailboxSizeLimit;
    private final TableSearch quotaMaps;

    public MailboxQuota(long mailboxSizeLimit, List<LookupTable> quotaMaps) {
        this.mailboxSizeLimit = mailboxSizeLimit;
        this.quotaMaps = new TableSearch("postern_mailbox_quota_maps", quotaMaps);
    }

    /** The quota of one mailbox, and whether it comes from the table (a quota of the whole mailbox). */
    public record Limit(long bytes, boolean perUser) {
        public boolean exceededBy(long size) {
            return bytes > 0 && size > bytes;
        }
    }

    /** @param localUser the user of a local-class recipient, empty for the virtual class */
    public Limit limitFor(String address, Optional<String> localUser) throws LookupException {
        // Both keys are asked of pattern tables too: the user name is a whole string, not a part of the address.
        List<TableSearch.Key> keys = localUser.map(user -> List.of(TableSearch.Key.whole(address), TableSearch.Key.whole(user)))
            .orElse(List.of(TableSearch.Key.whole(address)));
        Optional<TableSearch.Hit> hit = quotaMaps.find(keys);
        if (hit.isPresent()) {
            return new Limit(parse(hit.get().table(), hit.get().key().text(), hit.get().value()), true);
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
