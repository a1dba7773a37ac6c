package dev.postern.app.explain;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Set;

import org.junit.jupiter.api.Test;

import dev.postern.restrictions.Verdict;

class MessageDecisionsTest {

    private static Verdict accepted(Verdict.Action... actions) {
        return new Verdict(Verdict.Result.DUNNO, null, List.of(actions), Set.of());
    }

    @Test
    void theLastRedirectAndFilterWinAndEveryBccIsKept() {
        MessageDecisions decisions = new MessageDecisions();

        decisions.record(accepted(new Verdict.Action(Verdict.Type.REDIRECT, "a@x.test"),
            new Verdict.Action(Verdict.Type.FILTER, "smtp:[127.0.0.1]:10025"),
            new Verdict.Action(Verdict.Type.BCC, "audit@x.test")));
        decisions.record(accepted(new Verdict.Action(Verdict.Type.REDIRECT, "b@x.test"),
            new Verdict.Action(Verdict.Type.BCC, "archive@x.test"),
            new Verdict.Action(Verdict.Type.WARN, "just a warning")));

        assertThat(decisions.redirect()).contains("b@x.test");
        assertThat(decisions.filter()).contains("smtp:[127.0.0.1]:10025");
        assertThat(decisions.bcc()).containsExactly("audit@x.test", "archive@x.test");
        assertThat(decisions.discard()).isEmpty();
        assertThat(decisions.hold()).isEmpty();
    }

    @Test
    void discardAndHoldAreKeptWithTheirText() {
        MessageDecisions decisions = new MessageDecisions();

        decisions.record(accepted(new Verdict.Action(Verdict.Type.HOLD, "review"),
            new Verdict.Action(Verdict.Type.DISCARD, "")));

        assertThat(decisions.hold()).contains("review");
        assertThat(decisions.discard()).contains("");
    }
}
