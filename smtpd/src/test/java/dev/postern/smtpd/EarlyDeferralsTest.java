package dev.postern.smtpd;

import static org.assertj.core.api.Assertions.assertThat;

import org.apache.james.protocols.smtp.SMTPSession;
import org.junit.jupiter.api.Test;

import dev.postern.restrictions.Reply;

/** A defer_if_permit of an early stage waits for the next, each stage starting from what the one before left. */
class EarlyDeferralsTest {
    private static final Reply CLIENT = new Reply(450, "4.7.1", "<unknown[192.0.2.10]>: Client host rejected: later");
    private static final Reply HELO = new Reply(450, "4.7.1", "<client>: Helo command rejected: later");
    private static final Reply SENDER = new Reply(450, "4.7.1", "<alice@client>: Sender address rejected: later");

    private final FakeSmtpSession fake = FakeSmtpSession.client("192.0.2.10");
    private final SMTPSession session = fake.session();

    @Test
    void nothingIsPendingAtFirst() {
        assertThat(EarlyDeferrals.forHelo(session)).isNull();
        assertThat(EarlyDeferrals.forSender(session)).isNull();
        assertThat(EarlyDeferrals.forRecipient(session)).isNull();
    }

    @Test
    void theClientsDeferralReachesEveryLaterStageUntilOneReplacesIt() {
        EarlyDeferrals.afterClient(session, CLIENT);
        assertThat(EarlyDeferrals.forHelo(session)).isEqualTo(CLIENT);
        assertThat(EarlyDeferrals.forSender(session)).isEqualTo(CLIENT);
        assertThat(EarlyDeferrals.forRecipient(session)).isEqualTo(CLIENT);

        EarlyDeferrals.afterHelo(session, HELO);
        assertThat(EarlyDeferrals.forSender(session)).isEqualTo(HELO);

        EarlyDeferrals.afterSender(session, SENDER);
        assertThat(EarlyDeferrals.forRecipient(session)).isEqualTo(SENDER);
    }

    @Test
    void theSendersDeferralEndsWithItsTransaction() {
        EarlyDeferrals.afterHelo(session, HELO);
        EarlyDeferrals.afterSender(session, SENDER);

        fake.resetTransaction();

        assertThat(EarlyDeferrals.forRecipient(session)).isEqualTo(HELO);
    }

    @Test
    void aStageThatLeavesNothingPendingClearsItsOwn() {
        EarlyDeferrals.afterClient(session, CLIENT);
        EarlyDeferrals.afterHelo(session, HELO);

        EarlyDeferrals.afterHelo(session, null);

        assertThat(EarlyDeferrals.forSender(session)).isEqualTo(CLIENT);
    }
}
