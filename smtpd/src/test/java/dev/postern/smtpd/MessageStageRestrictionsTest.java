package dev.postern.smtpd;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.apache.commons.configuration2.BaseHierarchicalConfiguration;
import org.apache.james.core.MailAddress;
import org.apache.james.core.MaybeSender;
import org.apache.james.protocols.api.BaseRequest;
import org.apache.james.protocols.api.ProtocolSession.State;
import org.apache.james.protocols.api.Response;
import org.apache.james.protocols.smtp.SMTPSession;
import org.apache.james.protocols.smtp.hook.HookResult;
import org.apache.james.protocols.smtp.hook.HookReturnCode;
import org.apache.mailet.base.test.FakeMail;
import org.junit.jupiter.api.Test;

import dev.postern.config.MainCf;
import dev.postern.log.MailLog;
import dev.postern.testing.FakeDomainList;
import dev.postern.testing.FakeUsersRepository;

/**
 * smtpd_data_restrictions at DATA ({@link DataRestrictionsHandler}) and smtpd_end_of_data_restrictions
 * after the final dot ({@link EndOfDataRestrictionsHook}): the refusal is the reply to that stage, with its log line.
 */
class MessageStageRestrictionsTest {
    private final List<String> lines = new ArrayList<>();
    private HookEnvironment environment;

    private HookEnvironment environment(String... settings) throws Exception {
        List<String> all = new ArrayList<>(List.of("myhostname = mx.example.com", "mydestination = $myhostname"));
        all.addAll(List.of(settings));
        MainCf mainCf = MainCf.parse("main.cf", all, Map.of());
        environment = new HookEnvironment(mainCf, new MailLog(mainCf.get("syslog_name"), "mx.example.com",
            Clock.systemUTC(), lines::add));
        return environment;
    }

    private DataRestrictionsHandler data(String... settings) throws Exception {
        DataRestrictionsHandler handler = new DataRestrictionsHandler(new FakeDomainList(), new FakeUsersRepository(),
            environment(settings));
        handler.init(new BaseHierarchicalConfiguration());
        return handler;
    }

    /** A session with a transaction: MAIL FROM and the accepted recipients. */
    private static SMTPSession transaction(String sender, String... recipients) throws Exception {
        SMTPSession session = FakeSmtpSession.client("192.0.2.10").session();
        session.setAttachment(SMTPSession.CURRENT_HELO_NAME, "client.example", State.Connection);
        session.setAttachment(SMTPSession.SENDER, MaybeSender.getMailSender(sender), State.Transaction);
        List<MailAddress> accepted = new ArrayList<>();
        for (String recipient : recipients) {
            accepted.add(new MailAddress(recipient));
        }
        session.setAttachment(SMTPSession.RCPT_LIST, accepted, State.Transaction);
        return session;
    }

    private List<String> logged() {
        return lines.stream().map(line -> line.replaceFirst("^.*/smtpd\\[\\d+\\]: ", "")).toList();
    }

    @Test
    void aMultiRecipientBounceIsRefusedAtData() throws Exception {
        DataRestrictionsHandler handler = data("smtpd_data_restrictions = reject_multi_recipient_bounce");
        SMTPSession session = transaction("", "bob@mx.example.com", "carol@mx.example.com");
        SessionQueueId.set(session, "4ABCDEF", Instant.now());

        Response response = handler.onCommand(session, new BaseRequest("DATA", null));

        assertThat(RelayGuardTest.line(response)).isEqualTo("550 5.5.3 <DATA>: Data command rejected: Multi-recipient bounce");
        assertThat(logged()).containsExactly("4ABCDEF: reject: DATA from unknown[192.0.2.10]: 550 5.5.3 <DATA>: Data command"
            + " rejected: Multi-recipient bounce; from=<> proto=SMTP helo=<client.example>");
    }

    @Test
    void aBounceToOneRecipientPassesAndTheLogNamesTheRecipient() throws Exception {
        DataRestrictionsHandler handler = data("smtpd_data_restrictions = reject_multi_recipient_bounce, reject");

        Response response = handler.onCommand(transaction("", "bob@mx.example.com"), new BaseRequest("DATA", null));

        assertThat(RelayGuardTest.line(response)).isEqualTo("554 5.7.1 <DATA>: Data command rejected: Access denied");
        assertThat(logged()).singleElement().asString().contains("; from=<> to=<bob@mx.example.com> proto=SMTP");
    }

    @Test
    void aDataOutOfSequenceOrWithAnArgumentIsLeftToJamessHandler() throws Exception {
        DataRestrictionsHandler handler = data("smtpd_data_restrictions = reject");

        assertThat(handler.onCommand(transaction("alice@client.example"), new BaseRequest("DATA", null))).isNull();
        assertThat(handler.onCommand(FakeSmtpSession.client("192.0.2.10").session(), new BaseRequest("DATA", null))).isNull();
        assertThat(handler.onCommand(transaction("alice@client.example", "bob@mx.example.com"), new BaseRequest("DATA", "x")))
            .isNull();
        assertThat(lines).isEmpty();
    }

    @Test
    void withoutDataRestrictionsDataPasses() throws Exception {
        assertThat(data().onCommand(transaction("", "bob@mx.example.com", "carol@mx.example.com"), new BaseRequest("DATA", null)))
            .isNull();
    }

    @Test
    void theEndOfDataRestrictionsRefuseTheMessageAfterTheFinalDot() throws Exception {
        EndOfDataRestrictionsHook hook = new EndOfDataRestrictionsHook(new FakeDomainList(), new FakeUsersRepository(),
            environment("smtpd_end_of_data_restrictions = check_sender_access inline:{ {alice@client.example = 450 later} }"));
        hook.init(new BaseHierarchicalConfiguration());
        SMTPSession session = transaction("alice@client.example", "bob@mx.example.com");

        HookResult refused = hook.onMessage(session, FakeMail.builder().name("m").sender("alice@client.example")
            .recipients("bob@mx.example.com").build());
        HookResult passed = hook.onMessage(session, FakeMail.builder().name("m").sender("carol@client.example")
            .recipients("bob@mx.example.com").build());

        assertThat(refused.getResult()).isEqualTo(HookReturnCode.denySoft());
        assertThat(refused.getSmtpRetCode() + " " + refused.getSmtpDescription())
            .isEqualTo("450 4.7.1 <alice@client.example>: Sender address rejected: later");
        assertThat(passed).isEqualTo(HookResult.DECLINED);
        assertThat(logged()).singleElement().asString().startsWith("NOQUEUE: reject: END-OF-MESSAGE from unknown[192.0.2.10]:"
            + " 450 4.7.1 <alice@client.example>: Sender address rejected: later; from=<alice@client.example>"
            + " to=<bob@mx.example.com>");
    }
}
