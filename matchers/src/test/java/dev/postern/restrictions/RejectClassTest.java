package dev.postern.restrictions;

import static dev.postern.restrictions.Fixtures.config;
import static dev.postern.restrictions.Fixtures.configWithUsers;
import static dev.postern.restrictions.Fixtures.outcome;
import static dev.postern.restrictions.Fixtures.parameterFor;
import static dev.postern.restrictions.Fixtures.state;
import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The kind of restriction a verdict names for its reply (the metrics' {@code restriction} label):
 * told by the restriction that decided, whatever the reply's text says. Table-driven: list kind |
 * restriction list | state overrides ({@link Fixtures#state}) | the start of the reply | the class.
 */
class RejectClassTest {
    @ParameterizedTest(name = "[{index}] {0}: {1} / {2} -> {4}")
    @CsvSource(delimiter = '|', textBlock = """
        relay  | reject_unauth_destination | rcpt=x@elsewhere.test | 554 5.7.1 | relay_denied
        relay  | defer_unauth_destination  | rcpt=x@elsewhere.test | 454 4.7.1 | relay_denied
        client | reject_rbl_client rbl.test |  | 554 5.7.1 | blocked
        rcpt   | reject_rbl_client rbl.test |  | 554 5.7.1 | blocked
        client | reject |  | 554 5.7.1 | client_rejected
        helo   | reject |  | 554 5.7.1 | helo_rejected
        sender | reject |  | 554 5.7.1 | sender_rejected
        rcpt   | reject |  | 554 5.7.1 | recipient_rejected
        data   | reject | stage=DATA | 554 5.7.1 | other
        rcpt   | defer  |  | 450 4.3.2 | recipient_rejected
        sender | reject_non_fqdn_sender | from=user | 504 5.5.2 | sender_rejected
        rcpt   | reject_non_fqdn_sender | from=user | 504 5.5.2 | sender_rejected
        rcpt   | check_sender_access test:access | from=spam@s.test | 554 5.1.7 | sender_rejected
        rcpt   | check_recipient_access test:access | rcpt=rej@t.test | 554 5.7.1 | recipient_rejected
        rcpt   | check_client_access test:access | client=x.test[198.51.100.7] | 554 5.7.1 | client_rejected
        rcpt   | check_helo_access test:access | helo=bad.test | 554 5.7.1 | helo_rejected
        rcpt   | strict | from=user | 504 5.5.2 | sender_rejected
        rcpt   | strict |  | 554 5.7.1 | recipient_rejected
        rcpt   | permit_mynetworks, check_recipient_access test:access | rcpt=dip@t.test | 450 4.7.1 | other
        rcpt   | reject_unauth_pipelining | pipelined | 503 5.5.0 | other
        rcpt   | reject_plaintext_session |  | 450 4.7.1 | other
        """)
    void theRestrictionThatDecidedNamesTheClass(String kind, String list, String stateSpec, String replyStart, String expected) {
        Verdict verdict = config().parse(parameterFor(kind), list).evaluate(state(stateSpec));

        assertThat(outcome(verdict)).startsWith(replyStart);
        assertThat(verdict.rejectClass().label()).isEqualTo(expected);
    }

    @Test
    void anUnlistedRecipientIsAnUnknownUserWhateverList() {
        Verdict verdict = configWithUsers().parse("smtpd_recipient_restrictions", "reject_unlisted_recipient")
            .evaluate(state("rcpt=carol@local.test"));

        assertThat(outcome(verdict)).contains("User unknown in local recipient table");
        assertThat(verdict.rejectClass()).isEqualTo(RejectClass.UNKNOWN_USER);
    }

    @Test
    void anAcceptedCommandHasNoClass() {
        Verdict verdict = config().parse("smtpd_recipient_restrictions", "warn_if_reject, reject, permit").evaluate(state(""));

        assertThat(outcome(verdict)).isEqualTo("PERMIT");
        assertThat(verdict.rejectClass()).isNull();
    }
}
