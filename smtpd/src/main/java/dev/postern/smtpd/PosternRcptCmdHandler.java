package dev.postern.smtpd;

import javax.inject.Inject;

import org.apache.commons.configuration2.Configuration;
import org.apache.commons.configuration2.ex.ConfigurationException;
import org.apache.james.domainlist.api.DomainList;
import org.apache.james.metrics.api.MetricFactory;
import org.apache.james.protocols.api.ProtocolSession.State;
import org.apache.james.protocols.api.Response;
import org.apache.james.protocols.smtp.SMTPSession;
import org.apache.james.smtpserver.JamesRcptCmdHandler;

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
        return EnvelopePathCommand.RCPT.filter(CommandArguments.recipientReading(session), myorigin.of(session),
            new EnvelopePathCommand.JamesHandler(rebuilt -> super.doFilterChecks(session, command, rebuilt),
                () -> session.getAttachment(CURRENT_RECIPIENT, State.Transaction),
                () -> session.removeAttachment(CURRENT_RECIPIENT, State.Transaction)));
    }
}
