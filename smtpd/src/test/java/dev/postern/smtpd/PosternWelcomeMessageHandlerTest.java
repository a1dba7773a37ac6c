package dev.postern.smtpd;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.apache.commons.configuration2.BaseHierarchicalConfiguration;
import org.apache.james.protocols.api.BaseRequest;
import org.apache.james.protocols.api.Response;
import org.apache.james.protocols.smtp.SMTPSession;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import dev.postern.config.MainCf;
import dev.postern.log.MailLog;
import dev.postern.testing.FakeDomainList;
import dev.postern.testing.FakeUsersRepository;

/** With smtpd_delay_reject = no, the client restrictions' refusal is sent in place of the greeting. */
class PosternWelcomeMessageHandlerTest {
    private final List<String> lines = new ArrayList<>();

    @ParameterizedTest(name = "{0}: {1}")
    @CsvSource(delimiter = '|', textBlock = """
        reject                       | 554 5.7.1 <unknown[192.0.2.10]>: Client host rejected: Access denied | false
        defer                        | 450 4.3.2 <unknown[192.0.2.10]>: Client host rejected: Try again later | false
        check_client_access inline:{ {192.0.2.10 = 421 go away} } | 421 4.7.1 <unknown[192.0.2.10]>: Client host rejected: go away | true
        """)
    void theRefusalReplacesTheGreetingAndLaterCommandsAreDenied(String restrictions, String reply, boolean closes)
            throws Exception {
        MainCf mainCf = MainCf.parse("main.cf", List.of("myhostname = mx.example.com", "smtpd_delay_reject = no",
            "smtpd_client_restrictions = " + restrictions), Map.of());
        HookEnvironment environment = new HookEnvironment(mainCf,
            new MailLog(mainCf.get("syslog_name"), "mx.example.com", Clock.systemUTC(), lines::add));
        PosternWelcomeMessageHandler greeting = new PosternWelcomeMessageHandler(new FakeDomainList(),
            new FakeUsersRepository(), environment);
        greeting.init(new BaseHierarchicalConfiguration());
        CommandPrechecks prechecks = new CommandPrechecks(environment);
        prechecks.init(new BaseHierarchicalConfiguration());
        SMTPSession session = FakeSmtpSession.client("192.0.2.10").session();

        Response response = greeting.onConnect(session);

        assertThat(RelayGuardTest.line(response)).isEqualTo(reply);
        assertThat(response.isEndSession()).isEqualTo(closes);
        assertThat(lines).singleElement().asString()
            .endsWith("NOQUEUE: reject: CONNECT from unknown[192.0.2.10]: " + reply + "; proto=SMTP");
        assertThat(RelayGuardTest.line(prechecks.onCommand(session, new BaseRequest("MAIL", "FROM:<>"))))
            .isEqualTo("503 5.7.0 Error: access denied for unknown[192.0.2.10]");
    }
}
