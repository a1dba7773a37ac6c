package dev.postern.smtpd;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.apache.commons.configuration2.BaseHierarchicalConfiguration;
import org.apache.james.core.MailAddress;
import org.apache.james.core.MaybeSender;
import org.apache.james.protocols.api.ProtocolSession.State;
import org.apache.james.protocols.smtp.SMTPSession;
import org.apache.james.protocols.smtp.hook.HookResult;
import org.apache.james.protocols.smtp.hook.HookReturnCode;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import dev.postern.config.MainCf;

/** smtpd_recipient_limit: 452 4.5.3 for each recipient past the limit, counting the accepted ones. */
class RecipientLimitHookTest {
    @ParameterizedTest(name = "limit {0}, {1} accepted: {2}")
    @CsvSource({
        "3,    0, DECLINED",
        "3,    2, DECLINED",
        "3,    3, 452 4.5.3 Error: too many recipients",
        "3,    7, 452 4.5.3 Error: too many recipients",
        "1,    1, 452 4.5.3 Error: too many recipients",
        "0, 5000, DECLINED",
    })
    void theRecipientPastTheLimitIsRefusedTemporarily(long limit, int accepted, String expected) throws Exception {
        RecipientLimitHook hook = new RecipientLimitHook(new HookEnvironment(
            MainCf.parse("main.cf", List.of("smtpd_recipient_limit = " + limit), Map.of()), null));
        hook.init(new BaseHierarchicalConfiguration());
        SMTPSession session = FakeSmtpSession.client("192.0.2.10").session();
        List<MailAddress> recipients = new ArrayList<>();
        for (int i = 0; i < accepted; i++) {
            recipients.add(new MailAddress("user" + i + "@example.com"));
        }
        session.setAttachment(SMTPSession.RCPT_LIST, recipients, State.Transaction);

        HookResult result = hook.doRcpt(session, MaybeSender.nullSender(), new MailAddress("next@example.com"));

        if (expected.equals("DECLINED")) {
            assertThat(result).isEqualTo(HookResult.DECLINED);
        } else {
            assertThat(result.getResult()).isEqualTo(HookReturnCode.denySoft());
            assertThat(result.getSmtpRetCode() + " " + result.getSmtpDescription()).isEqualTo(expected);
        }
    }
}
