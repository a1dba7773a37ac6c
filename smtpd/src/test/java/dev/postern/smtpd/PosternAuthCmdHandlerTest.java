package dev.postern.smtpd;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.apache.commons.configuration2.BaseHierarchicalConfiguration;
import org.apache.james.core.MaybeSender;
import org.apache.james.core.Username;
import org.apache.james.protocols.api.BaseRequest;
import org.apache.james.protocols.api.OidcSASLConfiguration;
import org.apache.james.protocols.api.ProtocolSession.State;
import org.apache.james.protocols.smtp.SMTPSession;
import org.apache.james.protocols.smtp.hook.AuthHook;
import org.apache.james.protocols.smtp.hook.HookResult;
import org.apache.james.protocols.smtp.hook.HookReturnCode;
import org.junit.jupiter.api.Test;

import dev.postern.config.MainCf;
import dev.postern.log.MailLog;

/** AUTH the Postfix way on top of James's handler: when it is refused, its rate limit, Postfix's replies and log line. */
class PosternAuthCmdHandlerTest {
    /** The users store: alice with password "secret". */
    private static final AuthHook USERS = new AuthHook() {
        @Override
        public HookResult doAuth(SMTPSession session, Username username, String password) {
            return username.asString().equals("alice") && password.equals("secret")
                ? HookResult.builder().hookReturnCode(HookReturnCode.ok()).build()
                : HookResult.DECLINED;
        }

        @Override
        public HookResult doSasl(SMTPSession session, OidcSASLConfiguration configuration, String initialResponse) {
            return HookResult.DECLINED;
        }
    };

    private final List<String> lines = new ArrayList<>();

    private PosternAuthCmdHandler handler(String... settings) throws Exception {
        List<String> all = new ArrayList<>(List.of("myhostname = mx.example.com", "mynetworks = 198.51.100.0/24"));
        all.addAll(List.of(settings));
        MainCf mainCf = MainCf.parse("main.cf", all, Map.of());
        PosternAuthCmdHandler handler = new PosternAuthCmdHandler(new HookEnvironment(mainCf,
            new MailLog(mainCf.get("syslog_name"), "mx.example.com", Clock.systemUTC(), lines::add)));
        handler.init(new BaseHierarchicalConfiguration());
        handler.wireExtensions(AuthHook.class, List.of(USERS));
        return handler;
    }

    private List<String> logged() {
        return lines.stream().map(line -> line.replaceFirst("^.*/smtpd\\[\\d+\\]: ", "")).toList();
    }

    private static String auth(PosternAuthCmdHandler handler, SMTPSession session) {
        return RelayGuardTest.line(handler.onCommand(session, new BaseRequest("AUTH", "PLAIN")));
    }

    @Test
    void anAuthThatWasNotAnnouncedIsNotEnabled() throws Exception {
        assertThat(auth(handler(), FakeSmtpSession.client("192.0.2.10").session()))
            .isEqualTo("503 5.5.1 Error: authentication not enabled");
    }

    @Test
    void aSecondAuthAndAnAuthInsideATransactionAreOutOfSequence() throws Exception {
        PosternAuthCmdHandler handler = handler();
        assertThat(auth(handler, FakeSmtpSession.client("192.0.2.10").authAnnounced(true).loggedInAs("alice").session()))
            .isEqualTo("503 5.5.1 Error: already authenticated");

        SMTPSession inTransaction = FakeSmtpSession.client("192.0.2.10").authAnnounced(true).session();
        inTransaction.setAttachment(SMTPSession.SENDER, MaybeSender.nullSender(), State.Transaction);
        assertThat(auth(handler, inTransaction)).isEqualTo("503 5.5.1 Error: MAIL transaction in progress");
    }

    @Test
    void theCredentialsGetPostfixsRepliesAndAFailureItsLogLine() throws Exception {
        PosternAuthCmdHandler handler = handler();
        SMTPSession session = FakeSmtpSession.client("192.0.2.10").authAnnounced(true).session();

        assertThat(RelayGuardTest.line(handler.doAuthTest(session, Username.of("alice"), "secret", "PLAIN")))
            .isEqualTo("235 2.7.0 Authentication successful");
        assertThat(RelayGuardTest.line(handler.doAuthTest(session, Username.of("alice"), "guess", "LOGIN")))
            .isEqualTo("535 5.7.8 Error: authentication failed: authentication failure");
        assertThat(logged()).containsExactly("warning: unknown[192.0.2.10]: SASL LOGIN authentication failed:"
            + " authentication failure");
    }

    @Test
    void theAuthRateLimitCountsAuthCommandsPerClientExceptTheExceptions() throws Exception {
        PosternAuthCmdHandler handler = handler("smtpd_client_auth_rate_limit = 1");
        SMTPSession session = FakeSmtpSession.client("192.0.2.10").authAnnounced(true).session();
        assertThat(auth(handler, session)).doesNotStartWith("450");

        assertThat(auth(handler, session)).isEqualTo("450 4.7.1 Error: too many AUTH commands from 192.0.2.10");
        assertThat(logged()).containsExactly("warning: AUTH command rate limit exceeded: from unknown[192.0.2.10]");

        SMTPSession trusted = FakeSmtpSession.client("198.51.100.7").authAnnounced(true).session();
        assertThat(auth(handler, trusted)).doesNotStartWith("450");
        assertThat(auth(handler, trusted)).doesNotStartWith("450");
    }
}
