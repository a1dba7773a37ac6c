package dev.postern.smtpd;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.reflect.Proxy;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.apache.commons.configuration2.BaseHierarchicalConfiguration;
import org.apache.james.core.MailAddress;
import org.apache.james.core.MaybeSender;
import org.apache.james.metrics.api.MetricFactory;
import org.apache.james.protocols.api.BaseRequest;
import org.apache.james.protocols.api.ProtocolSession.State;
import org.apache.james.protocols.api.Response;
import org.apache.james.protocols.smtp.SMTPSession;
import org.apache.james.protocols.smtp.core.RcptCmdHandler;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import dev.postern.config.MainCf;
import dev.postern.testing.FakeDomainList;

/**
 * {@link PosternMailCmdHandler} and {@link PosternRcptCmdHandler}: James's MAIL and RCPT handlers given
 * {@link CommandArguments}' one reading of the path, so that the address James stores is that reading.
 */
class PosternMailAndRcptCmdHandlerTest {
    private static final MetricFactory NO_METRICS = (MetricFactory) Proxy.newProxyInstance(
        MetricFactory.class.getClassLoader(), new Class<?>[] {MetricFactory.class}, (proxy, method, args) -> null);

    private PosternMailCmdHandler mail;
    private PosternRcptCmdHandler rcpt;
    private SMTPSession session;

    @BeforeEach
    void init() throws Exception {
        HookEnvironment environment = new HookEnvironment(MainCf.parse("main.cf",
            List.of("myhostname = mx.example.com", "myorigin = example.com"), Map.of()), null);
        FakeDomainList domains = new FakeDomainList("mx.example.com");
        mail = new PosternMailCmdHandler(NO_METRICS, domains, environment);
        mail.init(new BaseHierarchicalConfiguration());
        rcpt = new PosternRcptCmdHandler(NO_METRICS, domains, environment);
        rcpt.init(new BaseHierarchicalConfiguration());
        session = FakeSmtpSession.client("192.0.2.10").session();
    }

    /** What the chain does for a command: CommandArguments reads the path, then the handler's filter checks run. */
    private Response filter(String command, String argument) {
        new CommandArguments().onCommand(session, new BaseRequest(command, argument));
        return command.equals("MAIL") ? mail.doFilterChecks(session, command, argument)
            : rcpt.doFilterChecks(session, command, argument);
    }

    @Test
    void anUnqualifiedSenderGetsMyorigin() {
        assertThat(filter("MAIL", "FROM:<alice>")).isNull();

        assertThat(session.getAttachment(SMTPSession.SENDER, State.Transaction).flatMap(MaybeSender::asOptional)
            .map(MailAddress::asString)).contains("alice@example.com");
    }

    @Test
    void aSenderPathThatCannotBeReadGetsPostfixsSyntaxError() {
        assertThat(RelayGuardTest.line(filter("MAIL", "FROM:<alice@client.example"))).isEqualTo("501 5.1.7 Bad sender address syntax");
        assertThat(session.getAttachment(SMTPSession.SENDER, State.Transaction)).isEmpty();
    }

    @Test
    void theRecipientJamesStoresIsTheReading() {
        session.setAttachment(SMTPSession.SENDER, MaybeSender.nullSender(), State.Transaction);

        assertThat(filter("RCPT", "TO: <bob>")).isNull();

        assertThat(session.getAttachment(RcptCmdHandler.CURRENT_RECIPIENT, State.Transaction).map(MailAddress::asString))
            .isEqualTo(Optional.of("bob@example.com"));
    }

    @Test
    void aRecipientPathThatCannotBeReadGetsPostfixsSyntaxError() {
        session.setAttachment(SMTPSession.SENDER, MaybeSender.nullSender(), State.Transaction);

        assertThat(RelayGuardTest.line(filter("RCPT", "TO:<bob@@mx.example.com>")))
            .isEqualTo("501 5.1.3 Bad recipient address syntax");
    }
}
