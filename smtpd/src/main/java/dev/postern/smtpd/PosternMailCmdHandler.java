package dev.postern.smtpd;

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
        return EnvelopePathCommand.MAIL.filter(CommandArguments.senderReading(session), myorigin.of(session),
            new EnvelopePathCommand.JamesHandler(rebuilt -> super.doFilterChecks(session, command, rebuilt),
                () -> session.getAttachment(SMTPSession.SENDER, State.Transaction).flatMap(MaybeSender::asOptional),
                () -> session.removeAttachment(SMTPSession.SENDER, State.Transaction)));
    }
}
