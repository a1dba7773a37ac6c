package dev.postern.tables;

import java.util.Map;

/**
 * A table whose entries can be listed, as {@code postmap -s} and {@code postalias -s} list them.
 * Pattern tables (regexp, pcre, cidr) and computed ones (static, unionmap) have no entries to list,
 * as in Postfix ("sequence operation is not supported").
 */
public interface SequencedTable extends LookupTable {
    /** Every entry, keys as stored (folded to lower case where the table folds them), in file order. */
    Map<String, String> entries();
}
