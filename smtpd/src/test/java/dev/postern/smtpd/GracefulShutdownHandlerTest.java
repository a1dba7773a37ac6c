package dev.postern.smtpd;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;

import org.apache.james.core.MaybeSender;
import org.apache.james.protocols.api.ProtocolSession.State;
import org.apache.james.protocols.api.Response;
import org.apache.james.protocols.smtp.SMTPSession;
import org.apache.james.protocols.smtp.hook.HookResult;
import org.apache.james.protocols.smtp.hook.HookReturnCode;
import org.junit.jupiter.api.Test;

/** The drain before a stop: 421 to new connections and transactions, and the wait for those in progress. */
class GracefulShutdownHandlerTest {
    private final SessionRegistry registry = new SessionRegistry();
    private final GracefulShutdownHandler handler = new GracefulShutdownHandler(registry);

    @Test
    void beforeTheDrainEverythingPasses() {
        SMTPSession session = FakeSmtpSession.client("192.0.2.10").session();

        assertThat(handler.onConnect(session)).isNull();
        assertThat(handler.doMail(session, MaybeSender.nullSender())).isEqualTo(HookResult.DECLINED);
    }

    @Test
    void whileDrainingNewConnectionsAndTransactionsGet421AndAreClosed() {
        SMTPSession open = FakeSmtpSession.client("192.0.2.10").session();
        handler.onConnect(open);
        registry.startDraining();

        Response connect = handler.onConnect(FakeSmtpSession.client("192.0.2.11").session());
        HookResult mail = handler.doMail(open, MaybeSender.nullSender());

        assertThat(RelayGuardTest.line(connect))
            .isEqualTo("421 mx.example.com 4.3.2 Service shutting down, closing transmission channel");
        assertThat(connect.isEndSession()).isTrue();
        assertThat(mail.getSmtpRetCode() + " " + mail.getSmtpDescription())
            .isEqualTo("421 4.3.2 Service shutting down, closing transmission channel");
        assertThat(mail.getResult()).isEqualTo(HookReturnCode.disconnected(HookReturnCode.Action.DENYSOFT));
    }

    @Test
    void theStopWaitsForOpenTransactionsOnly() throws Exception {
        SMTPSession idle = FakeSmtpSession.client("192.0.2.10").session();
        SMTPSession sending = FakeSmtpSession.client("192.0.2.11").session();
        handler.onConnect(idle);
        handler.onConnect(sending);
        sending.setAttachment(SMTPSession.SENDER, MaybeSender.nullSender(), State.Transaction);

        assertThat(registry.transactionsInProgress()).isEqualTo(1);
        assertThat(registry.awaitNoTransactions(Duration.ofMillis(100))).isFalse();

        handler.onDisconnect(sending);

        assertThat(registry.awaitNoTransactions(Duration.ofMillis(100))).isTrue();
    }
}
