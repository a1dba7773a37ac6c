package dev.postern.smtpd;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.apache.commons.configuration2.BaseHierarchicalConfiguration;
import org.apache.james.core.MailAddress;
import org.apache.james.core.MaybeSender;
import org.apache.james.protocols.api.ProtocolSession.State;
import org.apache.james.protocols.smtp.SMTPSession;
import org.apache.james.protocols.smtp.hook.HookResult;
import org.apache.mailet.AttributeName;
import org.apache.mailet.base.test.FakeMail;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.postern.config.MainCf;
import dev.postern.log.MailLog;
import dev.postern.queue.MailAttributes;
import dev.postern.restrictions.Verdict;
import dev.postern.testing.FakeDomainList;
import dev.postern.testing.FakeUsersRepository;

/**
 * The access(5) results that act on the whole message, through {@link SmtpdRestrictionsHook}: the
 * decision recorded for the queued mail ({@link SessionDecisions}) and smtpd's log line, in
 * Postfix's words ({@code <NAME>: CLASS triggers FILTER transport:destination}).
 */
class MessageActionsTest {
    private static final String SENDER = "alice@client.example";
    private static final String WHO_TAIL = " proto=ESMTP helo=<client.example>";

    @TempDir
    Path dir;

    private final List<String> lines = new ArrayList<>();
    private SMTPSession session;

    @BeforeEach
    void session() {
        session = FakeSessions.withClient(new InetSocketAddress("127.0.0.1", 40000));
        session.setAttachment(SMTPSession.CURRENT_HELO_NAME, "client.example", State.Connection);
        session.setAttachment(SMTPSession.CURRENT_HELO_MODE, "EHLO", State.Connection);
    }

    private SmtpdRestrictionsHook hook(String access, String... mainCf) throws Exception {
        Files.writeString(dir.resolve("access"), access);
        List<String> parameters = new ArrayList<>(List.of("myhostname = mx.example.com",
            "smtpd_recipient_restrictions = check_recipient_access texthash:" + dir.resolve("access"),
            "smtpd_sender_restrictions = check_sender_access texthash:" + dir.resolve("access")));
        parameters.addAll(List.of(mainCf));
        MailLog log = new MailLog("postern", "mx.example.com", Clock.systemUTC(), lines::add);
        SmtpdRestrictionsHook hook = new SmtpdRestrictionsHook(new FakeDomainList("mx.example.com"), new FakeUsersRepository(),
            new HookEnvironment(MainCf.parse("main.cf", parameters, Map.of()), log));
        hook.init(new BaseHierarchicalConfiguration());
        return hook;
    }

    private HookResult rcpt(SmtpdRestrictionsHook hook, String recipient) throws Exception {
        return hook.doRcpt(session, MaybeSender.getMailSender(SENDER), new MailAddress(recipient));
    }

    /** The smtpd lines logged, without the syslog prefix. */
    private List<String> logged() {
        return lines.stream().map(line -> line.substring(line.indexOf("postern/smtpd[")))
            .map(line -> line.substring(line.indexOf("]: ") + 3)).toList();
    }

    private Optional<Object> queuedAttribute(AttributeName name) throws Exception {
        FakeMail mail = FakeMail.builder().name("QID1").build();
        SessionDecisions.applyTo(session, mail);
        return mail.getAttribute(name).map(attribute -> attribute.getValue().value());
    }

    @Test
    void aFilterAtRcptGoesOnTheQueuedMailWithSmtpdsLine() throws Exception {
        SmtpdRestrictionsHook hook = hook("filter@remote.example FILTER smtp:[127.0.0.1]:10025\n");

        assertThat(rcpt(hook, "filter@remote.example")).isEqualTo(HookResult.DECLINED);

        assertThat(queuedAttribute(MailAttributes.FILTER)).contains("smtp:[127.0.0.1]:10025");
        assertThat(logged()).containsExactly("NOQUEUE: filter: RCPT from unknown[127.0.0.1]: <filter@remote.example>:"
            + " Recipient address triggers FILTER smtp:[127.0.0.1]:10025; from=<" + SENDER + "> to=<filter@remote.example>"
            + WHO_TAIL);
    }

    @Test
    void theLastFilterOfTheTransactionWins() throws Exception {
        SmtpdRestrictionsHook hook = hook("first@remote.example FILTER smtp:[127.0.0.1]:10025\n"
            + "second@remote.example FILTER lmtp:[127.0.0.1]:10024\n");

        rcpt(hook, "first@remote.example");
        rcpt(hook, "plain@remote.example");
        assertThat(queuedAttribute(MailAttributes.FILTER)).contains("smtp:[127.0.0.1]:10025");
        rcpt(hook, "second@remote.example");
        assertThat(queuedAttribute(MailAttributes.FILTER)).contains("lmtp:[127.0.0.1]:10024");
        assertThat(logged()).hasSize(2);
    }

    @Test
    void aMalformedFilterIsIgnoredWithPostfixsWarning() throws Exception {
        SmtpdRestrictionsHook hook = hook("bad@remote.example FILTER nocolon\nempty@remote.example FILTER\n");

        assertThat(rcpt(hook, "bad@remote.example")).isEqualTo(HookResult.DECLINED);
        assertThat(rcpt(hook, "empty@remote.example")).isEqualTo(HookResult.DECLINED);

        assertThat(queuedAttribute(MailAttributes.FILTER)).isEmpty();
        String table = "texthash:" + dir.resolve("access");
        assertThat(logged()).containsExactly(
            "warning: access table " + table + " entry \"FILTER nocolon\" requires transport:destination",
            "warning: access table " + table + " entry \"FILTER\" has FILTER entry without value");
    }

    @Test
    void aFilterOfTheSenderListAtMailFromIsRecordedWithTheSendersClass() throws Exception {
        SmtpdRestrictionsHook hook = hook(SENDER + " FILTER smtp:[127.0.0.1]:10025\n", "smtpd_delay_reject = no");

        assertThat(hook.doMail(session, MaybeSender.getMailSender(SENDER))).isEqualTo(HookResult.DECLINED);

        assertThat(queuedAttribute(MailAttributes.FILTER)).contains("smtp:[127.0.0.1]:10025");
        assertThat(logged()).containsExactly("NOQUEUE: filter: MAIL from unknown[127.0.0.1]: <" + SENDER + ">:"
            + " Sender address triggers FILTER smtp:[127.0.0.1]:10025; from=<" + SENDER + ">" + WHO_TAIL);
    }

    @Test
    void holdRedirectAndBccAtRcptAreWordedAsPostfixWordsThem() throws Exception {
        SmtpdRestrictionsHook hook = hook("held@remote.example HOLD waiting for review\n"
            + "quiet@remote.example HOLD\n"
            + "moved@remote.example REDIRECT new@remote.example\n"
            + "copied@remote.example BCC archive@remote.example\n");

        for (String recipient : List.of("held", "quiet", "moved", "copied")) {
            rcpt(hook, recipient + "@remote.example");
        }

        assertThat(queuedAttribute(MailAttributes.HOLD)).contains("");
        assertThat(queuedAttribute(MailAttributes.REDIRECT)).contains("new@remote.example");
        assertThat(queuedAttribute(MailAttributes.FILTER)).isEmpty();
        assertThat(logged()).extracting(line -> line.substring(0, line.indexOf(';'))).containsExactly(
            "NOQUEUE: hold: RCPT from unknown[127.0.0.1]: <held@remote.example>: Recipient address waiting for review",
            "NOQUEUE: hold: RCPT from unknown[127.0.0.1]: <quiet@remote.example>: Recipient address triggers HOLD action",
            "NOQUEUE: redirect: RCPT from unknown[127.0.0.1]: <moved@remote.example>: Recipient address triggers REDIRECT"
                + " new@remote.example",
            "NOQUEUE: bcc: RCPT from unknown[127.0.0.1]: <copied@remote.example>: Recipient address triggers BCC"
                + " archive@remote.example");
    }

    @Test
    void outsideRcptAFilterIsLoggedInTheCommandsLineForm() throws Exception {
        VerdictLog verdictLog = new VerdictLog(new SmtpdLog(new PerListener<>(
            new MailLog("postern", "mx.example.com", Clock.systemUTC(), lines::add), Map.of()), "smtpd"));
        Verdict verdict = new Verdict(Verdict.Result.DUNNO, null,
            List.of(new Verdict.Action(Verdict.Type.FILTER, "smtp:[127.0.0.1]:10025")));
        VerdictLog.Context context = new VerdictLog.Context("DATA", SENDER, null, "client.example");

        assertThat(SmtpdRestrictionsHook.carryOut(session, verdict, context, "<DATA>: Data command", verdictLog)).isEmpty();

        assertThat(queuedAttribute(MailAttributes.FILTER)).contains("smtp:[127.0.0.1]:10025");
        assertThat(logged()).containsExactly("NOQUEUE: filter: DATA from unknown[127.0.0.1]: <DATA>: Data command"
            + " triggers FILTER smtp:[127.0.0.1]:10025; from=<" + SENDER + ">" + WHO_TAIL);
    }
}
