package dev.postern.restrictions;

import static dev.postern.restrictions.Fixtures.config;
import static dev.postern.restrictions.Fixtures.state;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

class EvaluationTraceTest {
    private static final RestrictionConfig CONFIG = config();

    /** Writes each step as one line, indented by depth. */
    private static final class Recorder implements EvaluationTrace {
        final List<String> lines = new ArrayList<>();

        @Override
        public void listStarts(String parameter) {
            lines.add(parameter + ":");
        }

        @Override
        public void listSkipped(String parameter, String reason) {
            lines.add(parameter + ": skipped (" + reason + ")");
        }

        @Override
        public void restriction(int depth, String restriction, String result) {
            lines.add("  ".repeat(depth) + restriction + " -> " + result);
        }

        @Override
        public void tableHit(String restriction, String table, String key, String value) {
            lines.add("    " + table + " \"" + key + "\" = " + value);
        }

        @Override
        public void listEnds(String parameter, String result) {
            lines.add(parameter + " = " + result);
        }
    }

    private static List<String> trace(String state, List<RestrictionList> lists) {
        Recorder recorder = new Recorder();
        Verdict traced = RestrictionList.evaluateAll(state(state), lists, recorder);
        Verdict plain = RestrictionList.evaluateAll(state(state), lists);
        // the trace only listens: the verdict is the one the server gets
        assertThat(traced.result()).isEqualTo(plain.result());
        assertThat(traced.reply()).isEqualTo(plain.reply());
        return recorder.lines;
    }

    @Test
    void eachRestrictionItsResultAndTheTableEntryThatDecided() {
        List<RestrictionList> lists = List.of(
            CONFIG.parse("smtpd_client_restrictions", ""),
            CONFIG.parse("smtpd_sender_restrictions", "check_sender_access test:access"),
            CONFIG.parse("smtpd_relay_restrictions", "permit_mynetworks, reject_unauth_destination"));

        assertThat(trace("from=rej@t.test rcpt=x@elsewhere.test", lists)).containsExactly(
            "smtpd_client_restrictions: skipped (empty)",
            "smtpd_sender_restrictions:",
            // the table entry is found while the restriction runs, so it comes before the restriction's result
            "    test:access \"rej@t.test\" = REJECT",
            "  check_sender_access test:access -> 554 5.7.1 <rej@t.test>: Sender address rejected: Access denied",
            "smtpd_sender_restrictions = 554 5.7.1 <rej@t.test>: Sender address rejected: Access denied");

        assertThat(trace("from=nobody@sender.test rcpt=x@elsewhere.test", lists)).containsExactly(
            "smtpd_client_restrictions: skipped (empty)",
            "smtpd_sender_restrictions:",
            "  check_sender_access test:access -> DUNNO",
            "smtpd_sender_restrictions = DUNNO",
            "smtpd_relay_restrictions:",
            "  permit_mynetworks -> DUNNO",
            "  reject_unauth_destination -> 554 5.7.1 <x@elsewhere.test>: Relay access denied",
            "smtpd_relay_restrictions = 554 5.7.1 <x@elsewhere.test>: Relay access denied");
    }

    @Test
    void restrictionClassesShowTheirOwnStepsOneLevelDeeper() {
        List<RestrictionList> lists = List.of(CONFIG.parse("smtpd_recipient_restrictions", "okclass, reject"));

        assertThat(trace("", lists)).containsExactly(
            "smtpd_recipient_restrictions:",
            "    permit -> OK",
            "  okclass -> OK",
            "smtpd_recipient_restrictions = OK");
    }
}
