package dev.postern.restrictions;

import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * The outcome of restriction lists for one command.
 *
 * @param result  PERMIT (a restriction said OK), DUNNO (end of list(s): also accepted),
 *                REJECT (5xx reply) or DEFER (4xx reply)
 * @param reply   the reply for REJECT and DEFER; null otherwise
 * @param actions side effects collected on the way, in order: access-table HOLD, DISCARD,
 *                FILTER (the last one wins), REDIRECT, BCC, PREPEND, WARN, INFO, and
 *                {@code reject_warning} replies of {@code warn_if_reject}, and warnings
 *                (DNS lists that gave no answer)
 * @param permittedBy the parameters of the lists a restriction explicitly permitted (not by
 *                reaching their end), e.g. {@code smtpd_relay_restrictions}
 * @param pendingDeferral a {@code defer_if_permit} raised by lists whose deferral takes effect
 *                only at a later command (see {@link RestrictionList#evaluateEarly}); null when none
 * @param rejectClass the kind of restriction that gave the reply ({@link RejectClass#OTHER} when
 *                none did, as for a settled {@code defer_if_permit}); null without a reply
 * @param policyAnswers what each {@code check_policy_service} asked on the way answered, in order
 */
public record Verdict(Result result, Reply reply, List<Action> actions, Set<String> permittedBy, Reply pendingDeferral,
                      RejectClass rejectClass, List<PolicyAnswer> policyAnswers) {

    public enum Result { PERMIT, DUNNO, REJECT, DEFER }

    /** A side effect for the caller to carry out or log. */
    public record Action(Type type, String text) {
        public Action {
            Objects.requireNonNull(type, "type");
            text = text == null ? "" : text;
        }
    }

    /**
     * A policy service's answer, for the metrics.
     *
     * @param service the service as configured ({@code inet:127.0.0.1:10023})
     * @param action  the action that was applied: the answer's first word in lower case
     *                ({@code dunno}, {@code reject}, ...), {@code 4xx}/{@code 5xx} for a bare reply
     *                code; the default action when the service gave no answer
     */
    public record PolicyAnswer(String service, String action) {
        public PolicyAnswer {
            Objects.requireNonNull(service, "service");
            Objects.requireNonNull(action, "action");
        }
    }

    public enum Type {
        HOLD, DISCARD, FILTER, REDIRECT, BCC, PREPEND, WARN, INFO,
        /** {@code warn_if_reject}: the text is the reply line that would have been sent. */
        REJECT_WARNING,
        /**
         * A problem to log as Postfix's {@code warning: text}, such as a DNS list that could not
         * be asked (its check was skipped).
         */
        WARNING,
        /**
         * An access-table action that cannot act before MAIL FROM (HOLD, DISCARD, FILTER, REDIRECT,
         * BCC, PREPEND in client or HELO lists evaluated at connect or HELO): skipped, as Postfix
         * does, and the text is the action's name for the warning.
         */
        SKIPPED
    }

    public Verdict {
        Objects.requireNonNull(result, "result");
        if ((result == Result.REJECT || result == Result.DEFER) != (reply != null)) {
            throw new IllegalArgumentException("a reply goes with REJECT and DEFER only: " + result + " " + reply);
        }
        actions = List.copyOf(actions);
        permittedBy = Set.copyOf(permittedBy);
        rejectClass = reply == null ? null : rejectClass == null ? RejectClass.OTHER : rejectClass;
        policyAnswers = List.copyOf(policyAnswers);
    }

    public Verdict(Result result, Reply reply, List<Action> actions, Set<String> permittedBy, Reply pendingDeferral) {
        this(result, reply, actions, permittedBy, pendingDeferral, null, List.of());
    }

    public Verdict(Result result, Reply reply, List<Action> actions, Set<String> permittedBy) {
        this(result, reply, actions, permittedBy, null);
    }

    public Verdict(Result result, Reply reply, List<Action> actions) {
        this(result, reply, actions, Set.of());
    }

    public boolean isAccepted() {
        return result == Result.PERMIT || result == Result.DUNNO;
    }

    /** Whether no further restriction list runs for this command: a rejection, or DISCARD. */
    public boolean stopsFurtherLists() {
        return !isAccepted() || isDiscard();
    }

    public boolean isDiscard() {
        return actions.stream().anyMatch(a -> a.type() == Type.DISCARD);
    }

    /** The reply line for REJECT/DEFER. */
    public Optional<String> replyLine() {
        return Optional.ofNullable(reply).map(Reply::line);
    }

    /** The {@code reject_warning} lines. */
    public List<String> warnings() {
        return actions.stream().filter(a -> a.type() == Type.REJECT_WARNING).map(Action::text).toList();
    }

    /** The content filter of the last FILTER action. */
    public Optional<String> filter() {
        return actions.stream().filter(a -> a.type() == Type.FILTER).map(Action::text).reduce((a, b) -> b);
    }

    @Override
    public String toString() {
        return reply == null ? result.toString() + (actions.isEmpty() ? "" : " " + actions) : reply.line();
    }
}
