package dev.postern.restrictions;

import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * A parsed restriction-list parameter, such as {@code smtpd_recipient_restrictions}, ready to
 * evaluate. Build one with {@link RestrictionConfig#parse}.
 */
public final class RestrictionList {
    /**
     * The lists every RCPT TO runs, in order, with {@code smtpd_delay_reject = yes}: client,
     * HELO, sender, relay, recipient. Public so that the server and the benchmarks evaluate the
     * same lists.
     */
    public static final List<String> RCPT_PARAMETERS = List.of("smtpd_client_restrictions", "smtpd_helo_restrictions",
        "smtpd_sender_restrictions", "smtpd_relay_restrictions", "smtpd_recipient_restrictions");

    private final String parameter;
    private final Stage replyClass;
    private final List<Restriction> restrictions;
    private final RestrictionConfig config;

    RestrictionList(String parameter, Stage replyClass, List<Restriction> restrictions, RestrictionConfig config) {
        this.parameter = parameter;
        this.replyClass = replyClass;
        this.restrictions = restrictions;
        this.config = config;
    }

    public String parameter() {
        return parameter;
    }

    /** The class of this list's own replies ({@code reject}, {@code defer}, ...). */
    public Stage replyClass() {
        return replyClass;
    }

    /** The restrictions as written, normalized: {@code check_client_access hash:/etc/x}, ... */
    public List<String> words() {
        return restrictions.stream().map(Restriction::toString).toList();
    }

    public boolean isEmpty() {
        return restrictions.isEmpty();
    }

    /** Evaluates this list alone, as one command (a pending {@code defer_if_permit} applies at the end). */
    public Verdict evaluate(SmtpState state) {
        return evaluateAll(state, List.of(this));
    }

    /**
     * Evaluates the lists of one command in order (at RCPT: client, helo, sender, relay,
     * recipient). PERMIT ends only its own list; REJECT/DEFER (or DISCARD) ends the command. A
     * {@code defer_if_permit} raised by any list turns a final accept into its deferral.
     * HELO lists are skipped without HELO, sender lists before MAIL FROM.
     *
     * @throws IllegalArgumentException when the lists come from different configurations
     */
    public static Verdict evaluateAll(SmtpState state, List<RestrictionList> lists) {
        return evaluateAll(state, lists, (Reply) null);
    }

    /**
     * As {@link #evaluateAll(SmtpState, List)}, with a {@code defer_if_permit} that lists of
     * earlier commands raised ({@link Verdict#pendingDeferral}): with {@code smtpd_delay_reject = no}
     * the RCPT lists turn a final accept into that deferral, as Postfix does.
     *
     * @param carriedDeferral the earlier deferral; null when none
     */
    public static Verdict evaluateAll(SmtpState state, List<RestrictionList> lists, Reply carriedDeferral) {
        return evaluate(state, lists, carriedDeferral, true, EvaluationTrace.NONE);
    }

    /**
     * As {@link #evaluateAll(SmtpState, List)}, telling {@code trace} each step: the same evaluation
     * the server makes, for {@code postern explain}.
     */
    public static Verdict evaluateAll(SmtpState state, List<RestrictionList> lists, EvaluationTrace trace) {
        return evaluate(state, lists, null, true, trace);
    }

    /** As {@link #evaluateAll(SmtpState, List, Reply)}, telling {@code trace} each step. */
    public static Verdict evaluateAll(SmtpState state, List<RestrictionList> lists, Reply carriedDeferral,
                                      EvaluationTrace trace) {
        return evaluate(state, lists, carriedDeferral, true, trace);
    }

    /**
     * Evaluates lists that run before RCPT TO with {@code smtpd_delay_reject = no}: the client
     * list at connect, the HELO list at HELO, the sender list at MAIL FROM. A REJECT or DEFER
     * refuses the command; a {@code defer_if_permit} does not act yet and is returned as
     * {@link Verdict#pendingDeferral} (including {@code carriedDeferral}) for the next command.
     */
    public static Verdict evaluateEarly(SmtpState state, List<RestrictionList> lists, Reply carriedDeferral) {
        return evaluate(state, lists, carriedDeferral, false, EvaluationTrace.NONE);
    }

    /** As {@link #evaluateEarly(SmtpState, List, Reply)}, telling {@code trace} each step. */
    public static Verdict evaluateEarly(SmtpState state, List<RestrictionList> lists, Reply carriedDeferral,
                                        EvaluationTrace trace) {
        return evaluate(state, lists, carriedDeferral, false, trace);
    }

    private static Verdict evaluate(SmtpState state, List<RestrictionList> lists, Reply carriedDeferral, boolean settle,
                                    EvaluationTrace trace) {
        Objects.requireNonNull(state, "state");
        if (lists.isEmpty()) {
            return settle && carriedDeferral != null
                ? new Verdict(carriedDeferral.isPermanent() ? Verdict.Result.REJECT : Verdict.Result.DEFER, carriedDeferral, List.of())
                : new Verdict(Verdict.Result.DUNNO, null, List.of(), Set.of(), carriedDeferral);
        }
        RestrictionConfig config = lists.get(0).config;
        for (RestrictionList list : lists) {
            if (list.config != config) {
                throw new IllegalArgumentException("restriction lists from different configurations");
            }
        }
        return new Evaluation(config, state, carriedDeferral, trace).run(lists, settle);
    }

    List<Restriction> restrictions() {
        return restrictions;
    }

    @Override
    public String toString() {
        return parameter + " = " + String.join(", ", words());
    }
}
