package dev.postern.cleanup;

/**
 * Receives a message's content as {@link MessageScanner} splits it. Record numbers say where
 * the content is in the message, so that edits can be applied to a second read of it.
 */
interface ContentVisitor {
    /**
     * One logical header, continuation lines joined with {@code \n} as Postfix joins them.
     *
     * @return false to stop reading the message
     */
    boolean header(ContentClass kind, String header, long firstRecord, long lastRecord);

    /**
     * One body record (a line, or a piece of a line longer than the line length limit).
     *
     * @param offset where the record starts within its body part, for body_checks_size_limit
     * @return false to stop reading the message
     */
    boolean body(String line, long record, long offset);

    /** Whether a body record at this offset of its part would be inspected (else it is not even decoded). */
    boolean inspectsBodyAt(long offset);

    /** Whether anything after the primary headers needs to be read at all. */
    boolean wantsMoreThanHeaders();
}
