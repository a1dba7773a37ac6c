package dev.postern.smtpd;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

import org.apache.commons.configuration2.BaseHierarchicalConfiguration;
import org.apache.james.core.MaybeSender;
import org.apache.james.protocols.api.Response;
import org.apache.james.protocols.smtp.SMTPSession;
import org.apache.james.protocols.smtp.hook.HookResult;
import org.apache.james.protocols.smtp.hook.HookReturnCode;
import org.junit.jupiter.api.Test;

import dev.postern.config.MainCf;
import dev.postern.config.SmtpdListeners;
import dev.postern.log.MailLog;

/** Postfix's anvil limits per client address, per listener: connection count and rate, message rate. */
class AnvilLimitsTest {
    private static final int SUBMISSION = 587;
    private static final String CLIENT = "192.0.2.10";

    private final List<String> lines = new ArrayList<>();

    private AnvilLimits anvil(String... mainCfLines) throws Exception {
        List<String> all = new ArrayList<>(List.of("myhostname = mx.example.com", "mynetworks = 198.51.100.0/24"));
        all.addAll(Arrays.asList(mainCfLines));
        MainCf mainCf = MainCf.parse("main.cf", all, Map.of());
        HookEnvironment environment = new HookEnvironment(mainCf,
            new MailLog(mainCf.get("syslog_name"), "mx.example.com", Clock.systemUTC(), lines::add));
        environment.setListeners(new SmtpdListeners(List.of(new SmtpdListeners.Listener("submission", SUBMISSION,
            mainCf.withOverrides(Map.of("syslog_name", "postern/submission", "smtpd_client_connection_count_limit", "1"),
                "smtpserver.xml: listener submission")))));
        AnvilLimits anvil = new AnvilLimits(environment);
        anvil.init(new BaseHierarchicalConfiguration());
        return anvil;
    }

    private static SMTPSession from(String client) {
        return FakeSmtpSession.client(client).session();
    }

    /** The log lines without timestamp, host and process ID: {@code NAME/smtpd: text}. */
    private List<String> logged() {
        return lines.stream().map(line -> line.replaceFirst("^.* ([a-z/]+/smtpd)\\[\\d+\\]: ", "$1: ")).toList();
    }

    @Test
    void aClientOverTheConnectionCountLimitIsRefusedAndDisconnected() throws Exception {
        AnvilLimits anvil = anvil("smtpd_client_connection_count_limit = 2");
        assertThat(anvil.onConnect(from(CLIENT))).isNull();
        assertThat(anvil.onConnect(from(CLIENT))).isNull();

        Response third = anvil.onConnect(from(CLIENT));

        assertThat(RelayGuardTest.line(third)).isEqualTo("421 4.7.0 mx.example.com Error: too many connections from 192.0.2.10");
        assertThat(third.isEndSession()).isTrue();
        assertThat(logged()).singleElement().asString()
            .endsWith("smtpd: warning: Connection concurrency limit exceeded: 3 from unknown[192.0.2.10] for service smtp");
    }

    @Test
    void aDisconnectFreesTheClientsSlotAndOtherClientsCountApart() throws Exception {
        AnvilLimits anvil = anvil("smtpd_client_connection_count_limit = 1");
        SMTPSession first = from(CLIENT);
        assertThat(anvil.onConnect(first)).isNull();
        assertThat(anvil.onConnect(from("192.0.2.11"))).isNull();
        SMTPSession refused = from(CLIENT);
        assertThat(anvil.onConnect(refused)).isNotNull();
        anvil.onDisconnect(refused);

        anvil.onDisconnect(first);

        assertThat(anvil.onConnect(from(CLIENT))).isNull();
    }

    @Test
    void theConnectionRateLimitCountsConnectionsPerMinuteNotOpenOnes() throws Exception {
        AnvilLimits anvil = anvil("smtpd_client_connection_rate_limit = 2");
        for (int i = 0; i < 2; i++) {
            SMTPSession session = from(CLIENT);
            assertThat(anvil.onConnect(session)).isNull();
            anvil.onDisconnect(session);
        }

        assertThat(RelayGuardTest.line(anvil.onConnect(from(CLIENT))))
            .isEqualTo("421 4.7.0 mx.example.com Error: too many connections from 192.0.2.10");
        assertThat(logged()).singleElement().asString()
            .endsWith("warning: Connection rate limit exceeded: 3 from unknown[192.0.2.10] for service smtp");
    }

    @Test
    void theMessageRateLimitRefusesMailFromTemporarily() throws Exception {
        AnvilLimits anvil = anvil("smtpd_client_message_rate_limit = 1");
        SMTPSession session = from(CLIENT);
        MaybeSender sender = MaybeSender.getMailSender("alice@client.example");
        assertThat(anvil.doMail(session, sender)).isEqualTo(HookResult.DECLINED);

        HookResult second = anvil.doMail(session, sender);

        assertThat(second.getResult()).isEqualTo(HookReturnCode.denySoft());
        assertThat(second.getSmtpRetCode() + " " + second.getSmtpDescription())
            .isEqualTo("450 4.7.1 Error: too much mail from 192.0.2.10");
        assertThat(logged()).singleElement().asString()
            .endsWith("warning: Message delivery request rate limit exceeded: 2 from unknown[192.0.2.10] for service smtp");
    }

    @Test
    void clientsInTheExceptionsAreNotLimited() throws Exception {
        AnvilLimits anvil = anvil("smtpd_client_connection_count_limit = 1", "smtpd_client_message_rate_limit = 1");
        for (int i = 0; i < 3; i++) {
            assertThat(anvil.onConnect(from("198.51.100.7"))).isNull();
            assertThat(anvil.doMail(from("198.51.100.7"), MaybeSender.nullSender())).isEqualTo(HookResult.DECLINED);
        }
        assertThat(lines).isEmpty();
    }

    /** Each listener has a handler chain, so an AnvilLimits, of its own; its parameters are the listener's. */
    @Test
    void aListenerHasItsOwnLimitAndServiceName() throws Exception {
        AnvilLimits anvil = anvil("smtpd_client_connection_count_limit = 5");
        assertThat(anvil.onConnect(FakeSmtpSession.client(CLIENT).onPort(SUBMISSION).session())).isNull();

        assertThat(anvil.onConnect(FakeSmtpSession.client(CLIENT).onPort(SUBMISSION).session())).isNotNull();
        assertThat(logged()).singleElement().asString()
            .isEqualTo("postern/submission/smtpd: warning: Connection concurrency limit exceeded: 2 from unknown[192.0.2.10]"
                + " for service submission");
    }
}
