package dev.postern.smtpd;

import java.util.Collection;
import java.util.List;
import java.util.Optional;

import javax.inject.Inject;

import org.apache.commons.configuration2.Configuration;
import org.apache.commons.configuration2.ex.ConfigurationException;
import org.apache.james.core.MailAddress;
import org.apache.james.core.MaybeSender;
import org.apache.james.protocols.api.ProtocolSession.State;
import org.apache.james.protocols.api.Request;
import org.apache.james.protocols.api.Response;
import org.apache.james.protocols.api.handler.CommandHandler;
import org.apache.james.protocols.smtp.SMTPResponse;
import org.apache.james.protocols.smtp.SMTPSession;

import dev.postern.milter.MilterReply;

/**
 * The milters' DATA event, at the DATA command after smtpd_data_restrictions and before James's
 * 354: a filter's refusal is the reply to DATA, logged as Postfix logs it
 * ({@code NOQUEUE: milter-reject: DATA from NAME[IP]: 550 5.7.1 ...}). A DATA that is out of
 * sequence or has an argument is left to the DATA handler's own replies.
 */
public class MilterDataHandler implements CommandHandler<SMTPSession> {
    private final HookEnvironment environment;
    private PerListener<SmtpdMilters> settings;
    private VerdictLog verdictLog;

    @Inject
    public MilterDataHandler(HookEnvironment environment) {
        this.environment = environment;
    }

    @Override
    public void init(Configuration config) throws ConfigurationException {
        settings = environment.perListener(config, this,
            parameters -> SmtpdMilters.of(parameters, environment::openTable));
        verdictLog = new VerdictLog(environment.smtpdLog(config, this));
    }

    @Override
    public Response onCommand(SMTPSession session, Request request) {
        Optional<MaybeSender> sender = session.getAttachment(SMTPSession.SENDER, State.Transaction);
        List<MailAddress> recipients = session.getAttachment(SMTPSession.RCPT_LIST, State.Transaction).orElse(List.of());
        boolean hasArgument = request.getArgument() != null && !request.getArgument().isBlank();
        if (hasArgument || sender.isEmpty() || recipients.isEmpty()) {
            return null;
        }
        Optional<MilterReply> refusal = MilterHook.data(session);
        if (refusal.isEmpty()) {
            return null;
        }
        MilterReply reply = settings.of(session).softBounce() ? refusal.get().softBounced() : refusal.get();
        verdictLog.write(session, new VerdictLog.Context("DATA", sender.get().asString(""),
            recipients.size() == 1 ? recipients.get(0).asString() : null, SmtpdLogger.helo(session)),
            "milter-reject", reply.line());
        SMTPResponse response = new SMTPResponse(Integer.toString(reply.code()), reply.dsn() + " " + reply.text());
        response.setEndSession(reply.kind() == MilterReply.Kind.SHUTDOWN);
        return response;
    }

    @Override
    public Collection<String> getImplCommands() {
        return List.of("DATA");
    }
}
