package dev.postern.smtpd;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;

import org.apache.commons.configuration2.BaseHierarchicalConfiguration;
import org.apache.commons.configuration2.ex.ConfigurationException;
import org.apache.james.core.MaybeSender;
import org.apache.james.protocols.api.BaseRequest;
import org.apache.james.protocols.api.ProtocolSession.State;
import org.apache.james.protocols.smtp.MailEnvelopeImpl;
import org.apache.james.protocols.smtp.SMTPSession;
import org.apache.james.protocols.smtp.core.DataCmdHandler;
import org.junit.jupiter.api.Test;

import dev.postern.config.ConfigException;
import dev.postern.config.MainCf;

/** The CMD of Postfix's {@code timeout after CMD from NAME[IP]}. */
class SmtpdTimeoutTest {
    private final SMTPSession session = FakeSmtpSession.client("192.0.2.10").session();
    private final CommandPrechecks prechecks = prechecks();

    private static CommandPrechecks prechecks() {
        try {
            CommandPrechecks prechecks = new CommandPrechecks(new HookEnvironment(MainCf.parse("main.cf", List.of(), Map.of()), null));
            prechecks.init(new BaseHierarchicalConfiguration());
            return prechecks;
        } catch (ConfigurationException | ConfigException e) {
            throw new AssertionError(e);
        }
    }

    private void command(String name) {
        prechecks.onCommand(session, new BaseRequest(name, null));
    }

    @Test
    void beforeAnyCommandItIsConnect() {
        assertThat(SmtpdTimeout.where(session)).isEqualTo("CONNECT");
    }

    @Test
    void afterACommandItIsThatCommand() {
        command("EHLO");
        assertThat(SmtpdTimeout.where(session)).isEqualTo("EHLO");
        command("RCPT");
        assertThat(SmtpdTimeout.where(session)).isEqualTo("RCPT");
    }

    @Test
    void afterAnUnknownCommandItIsUnknown() {
        command("FROB");
        assertThat(SmtpdTimeout.where(session)).isEqualTo("UNKNOWN");
    }

    @Test
    void whileTheMessageComesInItIsDataContent() {
        session.setAttachment(SMTPSession.SENDER, MaybeSender.nullSender(), State.Transaction);
        command("DATA");
        session.setAttachment(DataCmdHandler.MAILENV, new MailEnvelopeImpl(), State.Transaction);

        assertThat(SmtpdTimeout.where(session)).isEqualTo("DATA content");
    }

    @Test
    void afterARefusedDataItIsData() {
        session.setAttachment(SMTPSession.SENDER, MaybeSender.nullSender(), State.Transaction);
        command("DATA");

        assertThat(SmtpdTimeout.where(session)).isEqualTo("DATA");
    }

    @Test
    void afterTheEndOfTheMessageItIsEndOfMessage() {
        // the end of the message reset the transaction: no sender, no envelope
        command("DATA");

        assertThat(SmtpdTimeout.where(session)).isEqualTo("END-OF-MESSAGE");
    }
}
