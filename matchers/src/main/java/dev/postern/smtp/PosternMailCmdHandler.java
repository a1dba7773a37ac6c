package dev.postern.smtp;

import java.util.Optional;

import javax.inject.Inject;

import org.apache.commons.configuration2.Configuration;
import org.apache.commons.configuration2.ex.ConfigurationException;
import org.apache.james.core.MaybeSender;
import org.apache.james.domainlist.api.DomainList;
import org.apache.james.metrics.api.MetricFactory;
import org.apache.james.protocols.api.ProtocolSession.State;
import org.apache.james.protocols.api.Response;
import org.apache.james.protocols.smtp.SMTPSession;
import org.apache.james.smtpserver.JamesMailCmdHandler;

import dev.postern.address.EnvelopePath;

/**
 * James's MAIL handler, given the one reading of the path ({@link CommandArguments}) instead
 * of the client's text: an unqualified sender gets {@code $myorigin}, a path that could not be
 * read gets {@code 501 5.1.7 Bad sender address syntax}, and James's address must be the
 * reading, so that sender restrictions, {@code reject_sender_login_mismatch} and
 * {@code check_sender_access} judge exactly the sender that is queued.
 */
public class PosternMailCmdHandler extends JamesMailCmdHandler {
    private final HookEnvironment environment;
    private PerListener<String> myorigin;

    @Inject
    public PosternMailCmdHandler(MetricFactory metricFactory, DomainList domainList, HookEnvironment environment) {
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
        EnvelopePathCommand mail = EnvelopePathCommand.MAIL;
        Optional<EnvelopePath> path = CommandArguments.senderPath(session);
        if (path.isEmpty()) {
            // James's checks on no argument: the sequence errors (nested MAIL, no HELO) or its usage reply
            Response james = super.doFilterChecks(session, command, null);
            boolean usage = CommandArguments.senderReading(session)
                .flatMap(CommandArguments.Reading::error).map(EnvelopePath.SyntaxException::isUsage).orElse(false);
            return EnvelopePathCommand.isSequenceError(james) || usage ? james : mail.syntaxError();
        }
        String mailbox = path.get().qualified(myorigin.of(session));
        Response james = super.doFilterChecks(session, command, mail.argument(mailbox, path.get()));
        if (james != null || path.get().isNull()) {
            return james;
        }
        MaybeSender parsed = session.getAttachment(SMTPSession.SENDER, State.Transaction).orElse(MaybeSender.nullSender());
        Optional<Response> disagreement = mail.disagreement(mailbox, parsed.asOptional().orElse(null));
        disagreement.ifPresent(refused -> session.removeAttachment(SMTPSession.SENDER, State.Transaction));
        return disagreement.orElse(null);
    }
}
