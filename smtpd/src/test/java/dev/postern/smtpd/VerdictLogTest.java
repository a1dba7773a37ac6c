package dev.postern.smtpd;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.apache.commons.configuration2.BaseHierarchicalConfiguration;
import org.apache.james.protocols.api.ProtocolSession.State;
import org.apache.james.protocols.smtp.SMTPSession;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import dev.postern.config.MainCf;
import dev.postern.log.MailLog;
import dev.postern.restrictions.RejectClass;
import dev.postern.restrictions.Reply;
import dev.postern.restrictions.Verdict;

/** The log lines of verdicts outside RCPT, in the form of Postfix's log_whatsup. */
class VerdictLogTest {
    private final List<String> lines = new ArrayList<>();
    private final List<String> events = new ArrayList<>();
    private VerdictLog log;

    @BeforeEach
    void init() throws Exception {
        MainCf mainCf = MainCf.parse("main.cf", List.of("myhostname = mx.example.com"), Map.of());
        HookEnvironment environment = new HookEnvironment(mainCf,
            new MailLog(mainCf.get("syslog_name"), "mx.example.com", Clock.systemUTC(), lines::add)
                .withObserver((syslogName, service, event) -> events.add(service + " " + event)));
        log = new VerdictLog(environment.smtpdLog(new BaseHierarchicalConfiguration(), new RecipientLimitHook(environment)));
    }

    private List<String> logged() {
        return lines.stream().map(line -> line.replaceFirst("^.*/smtpd\\[\\d+\\]: ", "")).toList();
    }

    @Test
    void aRejectNamesOnlyWhatIsKnown() {
        SMTPSession session = FakeSmtpSession.client("192.0.2.10").session();

        log.reject(session, new VerdictLog.Context("CONNECT", null, null, null),
            new Reply(554, "5.7.1", "<unknown[192.0.2.10]>: Client host rejected: Access denied"));

        assertThat(logged()).containsExactly("NOQUEUE: reject: CONNECT from unknown[192.0.2.10]: 554 5.7.1"
            + " <unknown[192.0.2.10]>: Client host rejected: Access denied; proto=SMTP");
    }

    @Test
    void aRejectCountsUnderTheClassOfTheRestrictionThatDecidedAndTheVerdictsPolicyAnswersAreTold() {
        SMTPSession session = FakeSmtpSession.client("192.0.2.10").session();
        Reply reply = new Reply(554, "5.7.1", "<unknown[192.0.2.10]>: Client host rejected: Access denied");
        Verdict verdict = new Verdict(Verdict.Result.REJECT, reply, List.of(), Set.of(), null, RejectClass.BLOCKED,
            List.of(new Verdict.PolicyAnswer("inet:127.0.0.1:10023", "dunno")));

        log.sideEffects(session, new VerdictLog.Context("CONNECT", null, null, null), verdict);
        log.reject(session, new VerdictLog.Context("CONNECT", null, null, null), verdict);
        log.reject(session, new VerdictLog.Context("HELO", null, null, null), new Reply(450, "4.3.0", "lookup failure"));

        assertThat(events).containsExactly("smtpd PolicyDecision[service=inet:127.0.0.1:10023, action=dunno]",
            "smtpd Reject[code=554, restriction=blocked]", "smtpd Reject[code=450, restriction=other]");
        assertThat(logged()).hasSize(2);
    }

    @Test
    void holdAndDiscardLinesAreEventsAndTheOtherActionsAreNot() {
        SMTPSession session = FakeSmtpSession.client("192.0.2.10").session();
        VerdictLog.Context context = new VerdictLog.Context("MAIL", "a@client.example", null, null);

        log.write(session, context, new MessageActions.Logged("hold", "<a@client.example>: Sender address triggers HOLD action"));
        log.write(session, context, new MessageActions.Logged("discard", "<a@client.example>: Sender address triggers DISCARD action"));
        log.write(session, context, new MessageActions.Logged("filter", "<a@client.example>: Sender address triggers FILTER smtp:x"));

        assertThat(events).containsExactly("smtpd Hold[]", "smtpd Discard[]");
        assertThat(logged()).hasSize(3).allSatisfy(line -> assertThat(line).startsWith("NOQUEUE: "));
    }

    @Test
    void aTransactionLineHasItsQueueIdAddressesHeloAndLogin() {
        SMTPSession session = FakeSmtpSession.client("192.0.2.10").loggedInAs("alice").session();
        session.setAttachment(SMTPSession.CURRENT_HELO_MODE, "EHLO", State.Connection);
        SessionQueueId.set(session, "4ABCDEF", Instant.now());

        log.write(session, new VerdictLog.Context("END-OF-MESSAGE", "alice@client.example", "bob@mx.example.com",
            "client.example"), "hold", "<END-OF-MESSAGE>: End-of-data triggers HOLD action");

        assertThat(logged()).containsExactly("4ABCDEF: hold: END-OF-MESSAGE from unknown[192.0.2.10]:"
            + " <END-OF-MESSAGE>: End-of-data triggers HOLD action; from=<alice@client.example> to=<bob@mx.example.com>"
            + " proto=ESMTP helo=<client.example> sasl_method=PLAIN sasl_username=alice");
    }

    @Test
    void theSideEffectsOfAVerdictAreLoggedEachInItsForm() {
        SMTPSession session = FakeSmtpSession.client("192.0.2.10").session();
        Verdict verdict = new Verdict(Verdict.Result.DUNNO, null, List.of(
            new Verdict.Action(Verdict.Type.REJECT_WARNING, "554 5.7.1 <DATA>: Data command rejected: Access denied"),
            new Verdict.Action(Verdict.Type.WARN, "<DATA>: Data command triggers WARN"),
            new Verdict.Action(Verdict.Type.WARNING, "hash:/etc/postern/access is unavailable"),
            new Verdict.Action(Verdict.Type.SKIPPED, "HOLD"),
            new Verdict.Action(Verdict.Type.HOLD, "not a side effect")), Set.of());

        log.sideEffects(session, new VerdictLog.Context("DATA", "", null, null), verdict);

        assertThat(logged()).containsExactly(
            "NOQUEUE: reject_warning: DATA from unknown[192.0.2.10]: 554 5.7.1 <DATA>: Data command rejected: Access denied;"
                + " from=<> proto=SMTP",
            "NOQUEUE: warn: DATA from unknown[192.0.2.10]: <DATA>: Data command triggers WARN; from=<> proto=SMTP",
            "warning: hash:/etc/postern/access is unavailable",
            "warning: with smtpd_delay_reject=no, action HOLD is always skipped in Client host or Helo command restrictions");
    }
}
