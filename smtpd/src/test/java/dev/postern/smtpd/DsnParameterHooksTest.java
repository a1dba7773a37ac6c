package dev.postern.smtpd;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.EnumSet;
import java.util.Map;

import org.apache.james.core.MailAddress;
import org.apache.james.core.MaybeSender;
import org.apache.james.protocols.api.ProtocolSession.State;
import org.apache.james.protocols.smtp.SMTPSession;
import org.apache.james.protocols.smtp.hook.HookResult;
import org.apache.james.protocols.smtp.hook.HookReturnCode;
import org.apache.james.smtpserver.dsn.DSNMailParameterHook;
import org.apache.james.smtpserver.dsn.DSNRcptParameterHook;
import org.apache.mailet.DsnParameters;
import org.apache.mailet.DsnParameters.Notify;
import org.apache.mailet.DsnParameters.RecipientDsnParameters;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class DsnParameterHooksTest {
    private final SMTPSession session = FakeSessions.withAttachments();
    private final DsnMailParameters mail = new DsnMailParameters();
    private final DsnRecipientParameters rcpt = new DsnRecipientParameters();

    @Test
    void retAndEnvidAreKeptForJamesMessageHook() {
        assertThat(mail.doMailParameter(session, "RET", "hdrs")).isEqualTo(HookResult.DECLINED);
        assertThat(mail.doMailParameter(session, "ENVID", "QQ314159+2Bx")).isEqualTo(HookResult.DECLINED);

        assertThat(session.getAttachment(DSNMailParameterHook.DSN_RET, State.Transaction)).contains(DsnParameters.Ret.HDRS);
        assertThat(session.getAttachment(DSNMailParameterHook.DSN_ENVID, State.Transaction))
            .contains(DsnParameters.EnvId.of("QQ314159+2Bx"));
    }

    @ParameterizedTest(name = "{0}={1} -> {2}")
    @CsvSource(delimiter = '|', textBlock = """
        RET   | PARTIAL | 5.5.4 Bad RET parameter syntax
        RET   | ''      | 5.5.4 Bad RET parameter syntax
        ENVID | a=b     | 5.5.4 Bad ENVID parameter syntax
        ENVID | a+4     | 5.5.4 Bad ENVID parameter syntax
        ENVID | ''      | 5.5.4 Bad ENVID parameter syntax
        """)
    void badMailParametersGetPostfixsReply(String name, String value, String text) {
        HookResult result = mail.doMailParameter(session, name, value);

        assertThat(result.getResult()).isEqualTo(HookReturnCode.deny());
        assertThat(result.getSmtpRetCode()).isEqualTo("501");
        assertThat(result.getSmtpDescription()).isEqualTo(text);
    }

    @Test
    void notifyAndOrcptAreKeptPerRecipientAndTheLastRcptOfAnAddressWins() throws Exception {
        MailAddress bob = new MailAddress("bob@example.net");
        MailAddress carol = new MailAddress("carol@example.net");

        assertThat(rcpt.doRcpt(session, MaybeSender.nullSender(), bob, Map.of("NOTIFY", "never")))
            .isEqualTo(HookResult.DECLINED);
        rcpt.doRcpt(session, MaybeSender.nullSender(), carol, Map.of("NOTIFY", "DELAY"));
        rcpt.doRcpt(session, MaybeSender.nullSender(), bob,
            Map.of("NOTIFY", "SUCCESS,FAILURE", "ORCPT", "RFC822;b+2Bx@x.example"));

        assertThat(session.getAttachment(DSNRcptParameterHook.DSN_RCPT_PARAMETERS, State.Transaction).orElseThrow().build())
            .containsExactly(
                Map.entry(bob, RecipientDsnParameters.of(EnumSet.of(Notify.SUCCESS, Notify.FAILURE),
                    new MailAddress("b+x@x.example"))),
                Map.entry(carol, RecipientDsnParameters.of(EnumSet.of(Notify.DELAY))));
    }

    @Test
    void anOrcptOfAnotherTypeIsAcceptedButNotKept() throws Exception {
        HookResult result = rcpt.doRcpt(session, MaybeSender.nullSender(), new MailAddress("bob@example.net"),
            Map.of("ORCPT", "x400;c+3Dfr"));

        assertThat(result).isEqualTo(HookResult.DECLINED);
        assertThat(session.getAttachment(DSNRcptParameterHook.DSN_RCPT_PARAMETERS, State.Transaction)).isEmpty();
    }

    @ParameterizedTest(name = "{0}={1} -> {2}")
    @CsvSource(delimiter = '|', textBlock = """
        NOTIFY | NEVER,SUCCESS      | 5.5.4 Error: Bad NOTIFY parameter syntax
        NOTIFY | SOMETIMES          | 5.5.4 Error: Bad NOTIFY parameter syntax
        NOTIFY | ''                 | 5.5.4 Error: Bad NOTIFY parameter syntax
        ORCPT  | b@x.example        | 5.5.4 Error: Bad ORCPT parameter syntax
        ORCPT  | rfc822;not an addr | 5.5.4 Error: Bad ORCPT parameter syntax
        ORCPT  | rfc822;a=b@x       | 5.5.4 Error: Bad ORCPT parameter syntax
        """)
    void badRecipientParametersGetPostfixsReply(String name, String value, String text) throws Exception {
        HookResult result = rcpt.doRcpt(session, MaybeSender.nullSender(), new MailAddress("bob@example.net"),
            Map.of(name, value));

        assertThat(result.getResult()).isEqualTo(HookReturnCode.deny());
        assertThat(result.getSmtpRetCode()).isEqualTo("501");
        assertThat(result.getSmtpDescription()).isEqualTo(text);
        assertThat(session.getAttachment(DSNRcptParameterHook.DSN_RCPT_PARAMETERS, State.Transaction)).isEmpty();
    }

    @Test
    void theHandlerChainAnnouncesDsnAndHasTheParameterHooksBeforeTheRestrictions() {
        var handlers = new PosternCmdHandlerLoader().getHandlers();

        assertThat(handlers).contains("org.apache.james.smtpserver.dsn.DSNEhloHook");
        assertThat(handlers.indexOf(DsnRecipientParameters.class.getName()))
            .isLessThan(handlers.indexOf(SmtpdRestrictionsHook.class.getName()))
            .isLessThan(handlers.indexOf(RecipientLimitHook.class.getName()));
        assertThat(handlers.indexOf("org.apache.james.smtpserver.dsn.DSNMessageHook"))
            .isGreaterThanOrEqualTo(0)
            .isLessThan(handlers.indexOf(QueueingMessageHook.class.getName()));
    }
}
