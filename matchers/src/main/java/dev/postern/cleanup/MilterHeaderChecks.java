package dev.postern.cleanup;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.function.Function;

import dev.postern.tables.LookupTable;

/**
 * Postfix's {@code milter_header_checks}: each header a milter adds, inserts or changes at end of
 * message is looked up, before it is applied, in header_checks(5) tables. REJECT refuses the
 * message, DISCARD, HOLD, FILTER, REDIRECT and BCC act as in header_checks; IGNORE (and STRIP)
 * keep the header out of the message; REPLACE puts its text in the header's place; PREPEND is not
 * carried out (as in Postfix, with a warning). Log lines say {@code milter-header-reject: header
 * ...}, {@code milter-header-hold: ...}.
 */
public final class MilterHeaderChecks {
    private static final ContentChecks NONE = new ContentChecks(Map.of(), 0, 0);

    private final ContentChecks checks;

    private MilterHeaderChecks(ContentChecks checks) {
        this.checks = checks;
    }

    /** Checks nothing: every milter header is applied as it is. */
    public static MilterHeaderChecks none() {
        return new MilterHeaderChecks(NONE);
    }

    /**
     * @param specs           the {@code milter_header_checks} tables
     * @param opener          opens one {@code type:name}; throws IllegalArgumentException on a bad table
     * @param headerSizeLimit characters of one header the tables see ({@code header_size_limit})
     */
    public static MilterHeaderChecks open(List<String> specs, Function<String, LookupTable> opener, int headerSizeLimit) {
        if (specs.isEmpty()) {
            return none();
        }
        List<LookupTable> tables = new ArrayList<>();
        for (String spec : specs) {
            try {
                tables.add(opener.apply(spec));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(ContentClass.MILTER_HEADER.parameter() + ": cannot open " + spec + ": "
                    + e.getMessage());
            }
        }
        return new MilterHeaderChecks(new ContentChecks(Map.of(ContentClass.MILTER_HEADER, tables), 0, headerSizeLimit));
    }

    public boolean isEmpty() {
        return !checks.has(ContentClass.MILTER_HEADER);
    }

    /**
     * What the checks decided about a milter's headers.
     *
     * @param outcome what happens to the message (refusal, hold, discard, filter, redirect, bcc);
     *                its edits are already reflected in {@code headers}
     * @param headers each header as it is to be applied, in the order given; empty for one that
     *                is kept out of the message
     */
    public record Result(ContentOutcome outcome, List<Optional<String>> headers) {
        public Result {
            headers = List.copyOf(headers);
        }
    }

    /**
     * Looks up each header ({@code Name: value}, as the milter gave it) in turn; an action that
     * ends the inspection (REJECT, DISCARD) leaves the later headers unchecked.
     *
     * @param log receives each cleanup line, the text after {@code cleanup[PID]: }
     */
    public Result check(List<String> headers, CleanupContext context, Consumer<String> log, boolean softBounce) {
        ContentInspection inspection = new ContentInspection(checks, context, log, softBounce);
        for (int i = 0; i < headers.size(); i++) {
            String header = headers.get(i);
            int limit = checks.headerSizeLimit();
            inspection.header(ContentClass.MILTER_HEADER, limit > 0 && header.length() > limit
                ? header.substring(0, limit) : header, i, i);
        }
        ContentOutcome outcome = inspection.outcome();
        List<Optional<String>> applied = new ArrayList<>();
        for (int i = 0; i < headers.size(); i++) {
            applied.add(fate(headers.get(i), outcome.edits().at(i), log, context.queueId()));
        }
        return new Result(outcome, applied);
    }

    private static Optional<String> fate(String header, Optional<ContentEdits.Edit> edit, Consumer<String> log,
                                         String queueId) {
        if (edit.isEmpty()) {
            return Optional.of(header);
        }
        if (!edit.get().before().isEmpty()) {
            log.accept("warning: " + queueId + ": the milter_header_checks prepend action is not implemented");
        }
        if (edit.get().remove()) {
            return Optional.empty();
        }
        return Optional.of(edit.get().replacement() != null ? edit.get().replacement() : header);
    }
}
