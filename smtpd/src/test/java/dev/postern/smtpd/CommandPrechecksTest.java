package dev.postern.smtpd;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;

import org.apache.commons.configuration2.BaseHierarchicalConfiguration;
import org.apache.james.protocols.api.BaseRequest;
import org.apache.james.protocols.api.ProtocolSession.State;
import org.apache.james.protocols.smtp.SMTPSession;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import dev.postern.config.MainCf;

/** The checks before every command: the 503 after a refusal at connect, and the command's name for the others. */
class CommandPrechecksTest {
    private CommandPrechecks prechecks;
    private SMTPSession session;

    @BeforeEach
    void init() throws Exception {
        prechecks = new CommandPrechecks(new HookEnvironment(MainCf.parse("main.cf", List.of(), Map.of()), null));
        prechecks.init(new BaseHierarchicalConfiguration());
        session = FakeSmtpSession.client("192.0.2.10").session();
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"EHLO", "HELO", "MAIL", "RCPT", "DATA", "RSET", "NOOP", "AUTH", "STARTTLS", "FOO"})
    void afterARefusalAtConnectEveryCommandButQuitIsDenied(String command) {
        CommandPrechecks.denyAccess(session, "554 5.7.1 <unknown[192.0.2.10]>: Client host rejected: Access denied");

        assertThat(RelayGuardTest.line(prechecks.onCommand(session, new BaseRequest(command, null))))
            .isEqualTo("503 5.7.0 Error: access denied for unknown[192.0.2.10]");
        assertThat(prechecks.onCommand(session, new BaseRequest("QUIT", null))).isNull();
    }

    @Test
    void otherwiseItAnswersNothingAndRemembersTheCommand() {
        assertThat(CommandPrechecks.lastCommand(session)).isEmpty();

        assertThat(prechecks.onCommand(session, new BaseRequest("EHLO", "client.example"))).isNull();
        assertThat(CommandPrechecks.command(session)).isEqualTo("EHLO");
        assertThat(CommandPrechecks.lastCommand(session)).contains("EHLO");

        prechecks.onCommand(session, new BaseRequest("XYZZY", null));
        assertThat(CommandPrechecks.command(session)).isEqualTo("XYZZY");
        assertThat(CommandPrechecks.lastCommand(session)).contains("UNKNOWN");
        assertThat(CommandPrechecks.improperPipelining(session)).isFalse();
    }

    @Test
    void itIsRegisteredForEveryCommandJamessHandlersAnswer() {
        assertThat(prechecks.getImplCommands()).contains("HELO", "EHLO", "MAIL", "RCPT", "DATA", "RSET", "NOOP", "VRFY",
            "EXPN", "HELP", "QUIT", "AUTH", "STARTTLS");
    }

    @Test
    void smtpdHeloRequiredRefusesMailBeforeHeloAndDisableVrfyCommandRefusesVrfy() throws Exception {
        CommandPrechecks strict = new CommandPrechecks(new HookEnvironment(MainCf.parse("main.cf",
            List.of("smtpd_helo_required = yes", "disable_vrfy_command = yes"), Map.of()), null));
        strict.init(new BaseHierarchicalConfiguration());

        assertThat(RelayGuardTest.line(strict.onCommand(session, new BaseRequest("MAIL", "FROM:<a@b.example>"))))
            .isEqualTo("503 5.5.1 Error: send HELO/EHLO first");
        assertThat(RelayGuardTest.line(strict.onCommand(session, new BaseRequest("VRFY", "root"))))
            .isEqualTo("502 5.5.1 VRFY command is disabled");
        session.setAttachment(SMTPSession.CURRENT_HELO_NAME, "client.example", State.Connection);
        assertThat(strict.onCommand(session, new BaseRequest("MAIL", "FROM:<a@b.example>"))).isNull();
        assertThat(prechecks.onCommand(session, new BaseRequest("VRFY", "root"))).as("Postfix's defaults").isNull();
    }
}
