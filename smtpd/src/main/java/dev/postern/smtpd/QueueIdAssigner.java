package dev.postern.smtpd;

import java.time.Instant;
import java.util.Optional;

import javax.inject.Inject;

import org.apache.commons.configuration2.Configuration;
import org.apache.commons.configuration2.ex.ConfigurationException;
import org.apache.james.protocols.api.ProtocolSession;
import org.apache.james.protocols.api.Response;
import org.apache.james.protocols.api.handler.ProtocolHandler;
import org.apache.james.protocols.api.handler.ProtocolHandlerResultHandler;
import org.apache.james.protocols.smtp.SMTPSession;
import org.apache.james.protocols.smtp.core.RcptCmdHandler;

import dev.postern.queue.QueueIdGenerator;

/**
 * Gives a transaction its queue ID when its first recipient is accepted, as Postfix's
 * smtpd does, and logs {@code QID: client=NAME[IP]}: only after every RCPT hook has run
 * does the reply say whether the recipient was accepted, so this watches the RCPT
 * command's final reply.
 */
public class QueueIdAssigner implements ProtocolHandlerResultHandler<Response, ProtocolSession> {
    private final QueueIdGenerator generator;
    private final HookEnvironment environment;
    private SmtpdLog log;

    @Inject
    public QueueIdAssigner(QueueIdGenerator generator, HookEnvironment environment) {
        this.generator = generator;
        this.environment = environment;
    }

    @Override
    public void init(Configuration config) throws ConfigurationException {
        log = environment.smtpdLog(config, this);
    }

    @Override
    public Response onResponse(ProtocolSession session, Response response, long executionTime, ProtocolHandler handler) {
        if (handler instanceof RcptCmdHandler && response.getRetCode().startsWith("2")
                && SessionQueueId.get(session).isEmpty()) {
            String queueId = generator.next();
            SessionQueueId.set(session, queueId, Instant.now());
            String sasl = Optional.ofNullable(session.getUsername())
                .map(user -> ", sasl_method=" + PosternAuthCmdHandler.method((SMTPSession) session).orElse("PLAIN")
                    + ", sasl_username=" + user.asString()).orElse("");
            log.log(session, queueId, "client=" + ClientIdentity.of(session) + sasl);
        }
        return response;
    }
}
