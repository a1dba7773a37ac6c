package dev.postern.smtp;

import java.time.Instant;
import java.util.Optional;

import javax.inject.Inject;

import org.apache.commons.configuration2.Configuration;
import org.apache.commons.configuration2.ex.ConfigurationException;
import org.apache.james.protocols.api.ProtocolSession;
import org.apache.james.protocols.api.Response;
import org.apache.james.protocols.api.handler.ProtocolHandler;
import org.apache.james.protocols.api.handler.ProtocolHandlerResultHandler;
import org.apache.james.protocols.smtp.core.RcptCmdHandler;

import dev.postern.config.ComponentParameters;
import dev.postern.config.MainCf;
import dev.postern.log.MailLog;
import dev.postern.log.QueueIdGenerator;

/**
 * Gives a transaction its queue ID when its first recipient is accepted, as Postfix's
 * smtpd does, and logs {@code QID: client=NAME[IP]}: only after every RCPT hook has run
 * does the reply say whether the recipient was accepted, so this watches the RCPT
 * command's final reply.
 */
public class QueueIdAssigner implements ProtocolHandlerResultHandler<Response, ProtocolSession> {
    private final QueueIdGenerator generator;
    private MainCf mainCf;
    private MailLog mailLog;
    private String service = "smtpd";

    @Inject
    public QueueIdAssigner(QueueIdGenerator generator) {
        this.generator = generator;
    }

    @com.google.inject.Inject(optional = true)
    public void setMainCf(MainCf mainCf) {
        this.mainCf = mainCf;
    }

    @com.google.inject.Inject(optional = true)
    public void setMailLog(MailLog mailLog) {
        this.mailLog = mailLog;
    }

    @Override
    public void init(Configuration config) throws ConfigurationException {
        ComponentParameters parameters = HookParameters.from(mainCf, config, this);
        if (mailLog == null) {
            mailLog = MailLog.from(parameters.mainCf());
        }
        service = config.getString("syslogService", service);
    }

    @Override
    public Response onResponse(ProtocolSession session, Response response, long executionTime, ProtocolHandler handler) {
        if (handler instanceof RcptCmdHandler && response.getRetCode().startsWith("2")
                && SessionQueueId.get(session).isEmpty()) {
            String queueId = generator.next();
            SessionQueueId.set(session, queueId, Instant.now());
            String sasl = Optional.ofNullable(session.getUsername())
                .map(user -> ", sasl_method=PLAIN, sasl_username=" + user.asString()).orElse("");
            mailLog.log(service, queueId, "client=" + ClientIdentity.of(session) + sasl);
        }
        return response;
    }
}
