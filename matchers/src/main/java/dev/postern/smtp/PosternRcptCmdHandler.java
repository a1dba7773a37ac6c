package dev.postern.smtp;

import java.util.Optional;

import javax.inject.Inject;

import org.apache.commons.configuration2.Configuration;
import org.apache.commons.configuration2.ex.ConfigurationException;
import org.apache.james.core.MailAddress;
import org.apache.james.domainlist.api.DomainList;
import org.apache.james.metrics.api.MetricFactory;
import org.apache.james.protocols.api.ProtocolSession.State;
import org.apache.james.protocols.api.Response;
import org.apache.james.protocols.smtp.SMTPSession;
import org.apache.james.smtpserver.JamesRcptCmdHandler;

import dev.postern.address.EnvelopePath;

/**
 * James's RCPT handler, given the one reading of the path ({@link CommandArguments}) instead
 * of the client's text: an unqualified recipient gets {@code $myorigin} (as Postfix's resolver
 * qualifies it, not James's default domain), {@code <>} and a path that could not be read get
 * {@code 501 5.1.3 Bad recipient address syntax}, and James's address must be the reading.
 */
public class PosternRcptCmdHandler extends JamesRcptCmdHandler {
    private final HookEnvironment environment;
    private PerListener<String> myorigin;

    @Inject
    public PosternRcptCmdHandler(MetricFactory metricFactory, DomainList domainList, HookEnvironment environment) {
        super(metricFactory, domainList);
        this.environment = environment;
    }

    @Override
    public void init(Configuration config) throws ConfigurationException {
        super.init(config);
        myorigin = environment.perListener(config, this, parameters -> parameters.get("myorigin"));
    }

    @Override
    protected Response doFilterChecks(SMTPSession session, String command, String argument) {
        EnvelopePathCommand rcpt = EnvelopePathCommand.RCPT;
        Optional<EnvelopePath> path = CommandArguments.recipientPath(session);
        if (path.isEmpty() || path.get().isNull()) {
            // James's checks on no argument: the sequence error (no MAIL yet) or its usage reply
            Response james = super.doFilterChecks(session, command, null);
            boolean usage = CommandArguments.recipientReading(session)
                .flatMap(CommandArguments.Reading::error).map(EnvelopePath.SyntaxException::isUsage).orElse(false);
            return EnvelopePathCommand.isSequenceError(james) || usage ? james : rcpt.syntaxError();
        }
        String mailbox = path.get().qualified(myorigin.of(session));
        Response james = super.doFilterChecks(session, command, rcpt.argument(mailbox, path.get()));
        if (james != null) {
            return james;
        }
        MailAddress parsed = session.getAttachment(CURRENT_RECIPIENT, State.Transaction).orElse(null);
        Optional<Response> disagreement = rcpt.disagreement(mailbox, parsed);
        disagreement.ifPresent(refused -> session.removeAttachment(CURRENT_RECIPIENT, State.Transaction));
        return disagreement.orElse(null);
    }
}
