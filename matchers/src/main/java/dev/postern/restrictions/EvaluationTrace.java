package dev.postern.restrictions;

/**
 * What one evaluation of restriction lists did, step by step, for {@code postern explain}: each list
 * as it starts or is skipped, each restriction with its result, each access-table entry that matched.
 * The server passes {@link #NONE}; the evaluation is the same either way, the trace only listens.
 */
public interface EvaluationTrace {
    EvaluationTrace NONE = new EvaluationTrace() {
    };

    /** A list is evaluated. */
    default void listStarts(String parameter) {
    }

    /** A list is not evaluated, and why (empty; no HELO or sender yet). */
    default void listSkipped(String parameter, String reason) {
    }

    /**
     * One restriction's result: {@code OK}, {@code DUNNO} or the reply it gave.
     *
     * @param depth 1 for a restriction of the list itself, 2 and more inside restriction classes
     * @param restriction the restriction as written, with its table if it has one
     */
    default void restriction(int depth, String restriction, String result) {
    }

    /** An access table's entry matched: the table, the key it matched under and the entry's value. */
    default void tableHit(String restriction, String table, String key, String value) {
    }

    /** A list's result: {@code OK} (permit), {@code DUNNO} or the reply that ends the command. */
    default void listEnds(String parameter, String result) {
    }
}
