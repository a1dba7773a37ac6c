package dev.postern.smtpd;

import org.apache.james.protocols.api.Response;
import org.apache.james.protocols.api.handler.ConnectHandler;
import org.apache.james.protocols.smtp.SMTPSession;

/**
 * Puts a {@link ClientInputMeter} in each new connection's pipeline, before any input is read,
 * for {@link CommandPrechecks}' pipelining check. A connect handler of its own: James passes
 * every connect handler's (null) answer to the result handlers, which must not take it for a
 * command's.
 */
public class ClientInputMetering implements ConnectHandler<SMTPSession> {
    @Override
    public Response onConnect(SMTPSession session) {
        ClientInputMeter.install(session);
        return null;
    }
}
