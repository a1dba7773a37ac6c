package dev.postern.tables;

import java.util.Optional;

/**
 * A Postfix lookup table opened from a {@code type:name} string, answering one question,
 * as Postfix's dict layer does: what value does this key map to. "Not found" (an empty
 * Optional) and "the lookup failed" ({@link LookupException}) are kept apart, because a
 * failure must never be taken for "no entry" (a restriction defers on it instead).
 */
public interface LookupTable {
    /** A table named {@code name} whose every lookup fails with {@code NAME: reason}. */
    static LookupTable failing(String name, String reason) {
        return new FailTable(name, reason);
    }

    /**
     * @param key the query, as the caller built it; tables with fixed-case keys (hash and
     *            its kin, inline, ...) fold it to lower case themselves
     * @return the value for the key, empty when there is none
     */
    Optional<String> lookup(String key) throws LookupException;

    /** {@code type:name}, as written in the configuration, for messages and logs. */
    String name();

    /**
     * Whether the table matches patterns against the whole query (regexp, pcre, cidr) rather
     * than exact keys. Callers that walk an address or host name through its parts (access(5)
     * order) query a pattern table only once, with the whole string, as Postfix does.
     */
    boolean isPattern();
}
