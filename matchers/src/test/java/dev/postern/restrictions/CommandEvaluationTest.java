package dev.postern.restrictions;

import static dev.postern.restrictions.Fixtures.actions;
import static dev.postern.restrictions.Fixtures.config;
import static dev.postern.restrictions.Fixtures.outcome;
import static dev.postern.restrictions.Fixtures.parameterFor;
import static dev.postern.restrictions.Fixtures.state;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Several lists for one command, as at RCPT TO with smtpd_delay_reject=yes: client, helo,
 * sender, relay, recipient. Empty columns are lists left out.
 */
class CommandEvaluationTest {
    private static final RestrictionConfig CONFIG = config();

    @ParameterizedTest(name = "[{index}] {0} / {1} / {2} / {3} / {4} ({5}) -> {6}")
    @CsvSource(delimiter = '|', textBlock = """
        # client | helo | sender | relay | recipient | state | expected | actions
        permit | | | | reject | | 554 5.7.1 <r@example.com>: Recipient address rejected: Access denied |
        reject | | | | permit | | 554 5.7.1 <client.test[203.0.113.5]>: Client host rejected: Access denied |
        permit | permit | permit | permit | permit | | PERMIT |
        | | | | | | DUNNO |
        permit_mynetworks | | | | | | DUNNO |
        | reject | | | | helo=- | DUNNO |
        | reject | | | | | 554 5.7.1 <client.test>: Helo command rejected: Access denied |
        | | reject | | permit | from=<> | 554 5.7.1 <>: Sender address rejected: Access denied |
        | | | permit_mynetworks, permit_sasl_authenticated, defer_unauth_destination | reject | rcpt=x@elsewhere.test | 454 4.7.1 <x@elsewhere.test>: Relay access denied |
        | | | permit_mynetworks, permit_sasl_authenticated, defer_unauth_destination | reject | rcpt=x@elsewhere.test sasl=bob | 554 5.7.1 <x@elsewhere.test>: Recipient address rejected: Access denied |
        | | | permit_mynetworks, permit_sasl_authenticated, defer_unauth_destination | permit | rcpt=x@elsewhere.test sasl=bob | PERMIT |
        check_client_access test:access | | | | reject | client=discard.client.test[192.0.2.7] | PERMIT | DISCARD:
        check_recipient_access test:access | | | | check_recipient_access test:access | rcpt=warn@t.test | DUNNO | WARN:look here; WARN:look here
        defer_if_permit | | | | permit | | 450 4.7.0 <client.test[203.0.113.5]>: Client host rejected: defer_if_permit requested |
        defer_if_permit | | | | reject | | 554 5.7.1 <r@example.com>: Recipient address rejected: Access denied |
        defer_if_reject | | | | reject | | 554 5.7.1 <r@example.com>: Recipient address rejected: Access denied |
        warn_if_reject | | | | reject | | 554 5.7.1 <r@example.com>: Recipient address rejected: Access denied |
        """)
    void listsOfOneCommand(String client, String helo, String sender, String relay, String recipient, String state,
            String expected, String actions) {
        List<RestrictionList> lists = new ArrayList<>();
        String[] kinds = {"client", "helo", "sender", "relay", "rcpt"};
        String[] values = {client, helo, sender, relay, recipient};
        for (int i = 0; i < kinds.length; i++) {
            if (values[i] != null) {
                lists.add(CONFIG.parse(parameterFor(kinds[i]), values[i]));
            }
        }
        Verdict verdict = RestrictionList.evaluateAll(state(state), lists);
        assertThat(outcome(verdict)).isEqualTo(expected);
        assertThat(actions(verdict)).isEqualTo(actions == null ? "" : actions);
    }

    @Test
    void discardStopsFurtherLists() {
        Verdict verdict = RestrictionList.evaluateAll(state("client=discard.client.test[192.0.2.7]"), List.of(
            CONFIG.parse("smtpd_client_restrictions", "check_client_access test:access"),
            CONFIG.parse("smtpd_recipient_restrictions", "reject")));
        assertThat(verdict.result()).isEqualTo(Verdict.Result.PERMIT);
        assertThat(verdict.isDiscard()).isTrue();
        assertThat(verdict.stopsFurtherLists()).isTrue();
        assertThat(verdict.isAccepted()).isTrue();
    }

    @Test
    void verdictAccessors() {
        Verdict rejected = CONFIG.parse("smtpd_recipient_restrictions", "reject").evaluate(state(""));
        assertThat(rejected.stopsFurtherLists()).isTrue();
        assertThat(rejected.isAccepted()).isFalse();
        assertThat(rejected.reply()).isEqualTo(new Reply(554, "5.7.1", "<r@example.com>: Recipient address rejected: Access denied"));
        Verdict permitted = CONFIG.parse("smtpd_recipient_restrictions", "permit").evaluate(state(""));
        assertThat(permitted.stopsFurtherLists()).isFalse();
        assertThat(permitted.replyLine()).isEmpty();
        Verdict filtered = CONFIG.parse("smtpd_recipient_restrictions",
            "check_recipient_access test:access, check_sender_access test:access").evaluate(state("rcpt=filter@t.test from=filter@t.test"));
        assertThat(filtered.filter()).contains("smtp:[127.0.0.1]:10025");
        Verdict warned = CONFIG.parse("smtpd_recipient_restrictions", "warn_if_reject, reject").evaluate(state(""));
        assertThat(warned.warnings()).containsExactly("554 5.7.1 <r@example.com>: Recipient address rejected: Access denied");
        assertThatThrownBy(() -> new Verdict(Verdict.Result.REJECT, null, List.of())).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void theLastFilterOfACommandWins() {
        RestrictionList list = CONFIG.parse("smtpd_recipient_restrictions",
            "check_recipient_access test:access, check_sender_access test:access");
        Verdict recipientThenSender = list.evaluate(state("rcpt=filter@t.test from=filterother@t.test"));
        assertThat(recipientThenSender.filter()).contains("lmtp:[127.0.0.1]:24");
        Verdict onlyRecipient = list.evaluate(state("rcpt=filter@t.test from=s@sender.test"));
        assertThat(onlyRecipient.filter()).contains("smtp:[127.0.0.1]:10025");
        assertThat(list.evaluate(state("rcpt=filterbad@t.test")).filter()).as("malformed: ignored").isEmpty();
    }

    /** smtpd_delay_reject = no: a defer_if_permit of an earlier command waits for the RCPT lists. */
    @Test
    void deferIfPermitOfAnEarlierCommandTakesEffectAtRcpt() {
        String deferral = "450 4.7.0 <client.test[203.0.113.5]>: Client host rejected: defer_if_permit requested";
        Verdict atConnect = RestrictionList.evaluateEarly(state("stage=CLIENT"),
            List.of(CONFIG.parse("smtpd_client_restrictions", "defer_if_permit")), null);
        assertThat(atConnect.result()).isEqualTo(Verdict.Result.DUNNO);
        assertThat(atConnect.pendingDeferral().line()).isEqualTo(deferral);

        Verdict atHelo = RestrictionList.evaluateEarly(state("stage=HELO"),
            List.of(CONFIG.parse("smtpd_helo_restrictions", "permit")), atConnect.pendingDeferral());
        assertThat(atHelo.result()).isEqualTo(Verdict.Result.PERMIT);
        assertThat(atHelo.pendingDeferral()).as("carried on").isEqualTo(atConnect.pendingDeferral());

        Verdict rejectedAtHelo = RestrictionList.evaluateEarly(state("stage=HELO"),
            List.of(CONFIG.parse("smtpd_helo_restrictions", "reject")), atConnect.pendingDeferral());
        assertThat(outcome(rejectedAtHelo)).isEqualTo("554 5.7.1 <client.test>: Helo command rejected: Access denied");

        List<RestrictionList> rcpt = List.of(CONFIG.parse("smtpd_relay_restrictions", "permit"),
            CONFIG.parse("smtpd_recipient_restrictions", ""));
        assertThat(outcome(RestrictionList.evaluateAll(state(""), rcpt, atHelo.pendingDeferral()))).isEqualTo(deferral);
        assertThat(outcome(RestrictionList.evaluateAll(state(""), rcpt, (Reply) null))).isEqualTo("PERMIT");
        assertThat(outcome(RestrictionList.evaluateAll(state(""),
            List.of(CONFIG.parse("smtpd_recipient_restrictions", "reject")), atHelo.pendingDeferral())))
            .isEqualTo("554 5.7.1 <r@example.com>: Recipient address rejected: Access denied");
        assertThat(outcome(RestrictionList.evaluateAll(state(""), List.of(), atHelo.pendingDeferral()))).isEqualTo(deferral);
        assertThat(RestrictionList.evaluateEarly(state(""), List.of(), null).pendingDeferral()).isNull();
    }

    @Test
    void listsFromDifferentConfigurationsAreRefused() {
        RestrictionList a = CONFIG.parse("smtpd_client_restrictions", "permit");
        RestrictionList b = config().parse("smtpd_recipient_restrictions", "permit");
        assertThatThrownBy(() -> RestrictionList.evaluateAll(state(""), List.of(a, b)))
            .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void stateDefaults() {
        SmtpState s = SmtpState.connect((String) null, Fixtures.ip("192.0.2.1"));
        assertThat(s.clientNameAddress()).isEqualTo("unknown[192.0.2.1]");
        assertThat(s.hasSender()).isFalse();
        assertThat(s.withHelo("x").withSender(null).hasSender()).isTrue();
        assertThat(s.withHelo("x").withSender(null).isNullSender()).isTrue();
        assertThatThrownBy(() -> s.withRecipientCount(-1)).isInstanceOf(IllegalArgumentException.class);
    }
}
