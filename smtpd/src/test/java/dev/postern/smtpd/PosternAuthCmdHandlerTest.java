package dev.postern.smtpd;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;

import java.time.Clock;
import java.util.ArrayList;
import java.util.Base64;
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

/**
 * AUTH the Postfix way: when it is refused, its rate limit, the mechanisms announced, Postfix's replies and log
 * line, with Postern's users and with a scripted Dovecot auth service.
 */
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

    private static String command(PosternAuthCmdHandler handler, SMTPSession session, String argument) {
        return RelayGuardTest.line(handler.onCommand(session, new BaseRequest("AUTH", argument)));
    }

    private static String base64(String text) {
        return Base64.getEncoder().encodeToString(text.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void theCredentialsGetPostfixsRepliesAndAFailureItsLogLine() throws Exception {
        PosternAuthCmdHandler handler = handler();
        FakeSmtpSession fake = FakeSmtpSession.client("192.0.2.10").authAnnounced(true);

        assertThat(command(handler, fake.session(), "LOGIN")).isEqualTo("334 VXNlcm5hbWU6");
        assertThat(RelayGuardTest.line(fake.line(base64("alice")))).isEqualTo("334 UGFzc3dvcmQ6");
        assertThat(RelayGuardTest.line(fake.line(base64("guess"))))
            .isEqualTo("535 5.7.8 Error: authentication failed: authentication failure");
        assertThat(logged()).containsExactly("warning: unknown[192.0.2.10]: SASL LOGIN authentication failed:"
            + " authentication failure");
        assertThat(fake.session().getUsername()).isNull();

        assertThat(command(handler, fake.session(), "PLAIN " + base64("\0alice\0secret")))
            .isEqualTo("235 2.7.0 Authentication successful");
        assertThat(fake.session().getUsername().asString()).isEqualTo("alice");
        assertThat(PosternAuthCmdHandler.method(fake.session())).contains("PLAIN");
    }

    @Test
    void policyServicesGetTheMechanismAndTheMailFromAuthAddress() throws Exception {
        PosternAuthCmdHandler handler = handler();
        FakeSmtpSession fake = FakeSmtpSession.client("192.0.2.10").authAnnounced(true);
        SMTPSession session = fake.session();
        assertThat(SmtpdSessionFacts.of(session).saslMethod()).isEmpty();

        command(handler, session, "LOGIN");
        fake.line(base64("alice"));
        assertThat(RelayGuardTest.line(fake.line(base64("secret")))).isEqualTo("235 2.7.0 Authentication successful");
        handler.doMailParameter(session, "AUTH", "list+owner@example.com");

        assertThat(SmtpdSessionFacts.of(session).saslMethod()).isEqualTo("LOGIN");
        assertThat(SmtpdSessionFacts.of(session).saslSender()).isEqualTo("list+owner@example.com");

        // The next transaction: AUTH=<> says the sender is not known (RFC 4954), and nothing is sent.
        fake.resetTransaction();
        assertThat(SmtpdSessionFacts.of(session).saslSender()).isEmpty();
        handler.doMailParameter(session, "AUTH", "<>");
        assertThat(SmtpdSessionFacts.of(session).saslSender()).isEmpty();
    }

    @Test
    void anAbortedOrUndecodableExchangeAndAnUnofferedMechanism() throws Exception {
        PosternAuthCmdHandler handler = handler("smtpd_sasl_local_domain = example.com");
        FakeSmtpSession fake = FakeSmtpSession.client("192.0.2.10").authAnnounced(true);

        assertThat(command(handler, fake.session(), "PLAIN")).isEqualTo("334 ");
        assertThat(RelayGuardTest.line(fake.line("*"))).isEqualTo("501 5.7.0 Authentication aborted");
        assertThat(command(handler, fake.session(), "PLAIN not*base64")).isEqualTo("501 5.5.2 Cannot decode response");
        assertThat(command(handler, fake.session(), "")).isEqualTo("501 5.5.4 Syntax: AUTH mechanism");
        assertThat(command(handler, fake.session(), "CRAM-MD5"))
            .isEqualTo("535 5.7.8 Error: authentication failed: Invalid authentication mechanism");
        assertThat(command(handler, fake.session(), "PLAIN " + base64("\0alice\0secret")))
            .as("smtpd_sasl_local_domain makes alice alice@example.com, unknown to the users store")
            .startsWith("535");
    }

    @Test
    void ehloAnnouncesTheMechanismsTheSecurityOptionsAllow() throws Exception {
        SMTPSession plain = FakeSmtpSession.client("192.0.2.10").authAnnounced(true).session();
        SMTPSession tls = FakeSmtpSession.client("192.0.2.10").authAnnounced(true).tls(true).session();

        assertThat(handler().getImplementedEsmtpFeatures(plain)).containsExactly("AUTH LOGIN PLAIN");
        assertThat(handler("broken_sasl_auth_clients = yes").getImplementedEsmtpFeatures(plain))
            .containsExactly("AUTH LOGIN PLAIN", "AUTH=LOGIN PLAIN");
        PosternAuthCmdHandler tlsOnly = handler("smtpd_sasl_security_options = noanonymous, noplaintext",
            "smtpd_sasl_tls_security_options = noanonymous");
        assertThat(tlsOnly.getImplementedEsmtpFeatures(plain)).isEmpty();
        assertThat(command(tlsOnly, plain, "PLAIN " + base64("\0alice\0secret")))
            .isEqualTo("535 5.7.8 Error: authentication failed: Invalid authentication mechanism");
        assertThat(tlsOnly.getImplementedEsmtpFeatures(tls)).containsExactly("AUTH LOGIN PLAIN");
        assertThat(handler().getImplementedEsmtpFeatures(FakeSmtpSession.client("192.0.2.10").session())).isEmpty();
    }

    @Test
    void anUnknownSaslTypeOrSecurityOptionIsAStartupErrorNamingTheParameter() {
        assertThatThrownBy(() -> handler("smtpd_sasl_type = cyrus"))
            .hasMessageContaining("smtpd_sasl_type: \"cyrus\" is not supported");
        assertThatThrownBy(() -> handler("smtpd_sasl_security_options = noanonymous, nosuchthing"))
            .hasMessageContaining("smtpd_sasl_security_options: unknown SASL security option \"nosuchthing\"");
    }

    @Test
    void dovecotChecksTheCredentialsAndItsAbsenceIsATemporaryFailure() throws Exception {
        try (FakeDovecotAuth dovecot = FakeDovecotAuth.onLoopback()) {
            PosternAuthCmdHandler handler = handler("smtpd_sasl_type = dovecot", "smtpd_sasl_path = " + dovecot.inetPath());
            FakeSmtpSession fake = FakeSmtpSession.client("192.0.2.10").authAnnounced(true);
            assertThat(handler.getImplementedEsmtpFeatures(fake.session()))
                .as("Dovecot's mechanisms but the anonymous one").containsExactly("AUTH PLAIN LOGIN DIGEST-MD5");

            assertThat(command(handler, fake.session(), "PLAIN " + base64("\0alice\0guess")))
                .isEqualTo("535 5.7.8 Error: authentication failed: authentication failure");
            assertThat(command(handler, fake.session(), "LOGIN")).isEqualTo("334 VXNlcm5hbWU6");
            assertThat(RelayGuardTest.line(fake.line(base64("alice")))).isEqualTo("334 UGFzc3dvcmQ6");
            assertThat(RelayGuardTest.line(fake.line(base64("secret")))).isEqualTo("235 2.7.0 Authentication successful");
            assertThat(fake.session().getUsername().asString()).isEqualTo("alice");

            dovecot.close();
            SMTPSession next = FakeSmtpSession.client("192.0.2.11").authAnnounced(true).session();
            assertThat(handler.getImplementedEsmtpFeatures(next)).containsExactly("AUTH PLAIN LOGIN DIGEST-MD5");
            assertThat(command(handler, next, "PLAIN " + base64("\0alice\0secret")))
                .isEqualTo("454 4.7.0 Temporary authentication failure: Unable to connect to authentication server");
        }
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
