package dev.postern.smtpd;

import javax.inject.Inject;

import org.apache.james.core.MaybeSender;
import org.apache.james.protocols.api.Response;
import org.apache.james.protocols.api.handler.ConnectHandler;
import org.apache.james.protocols.api.handler.DisconnectHandler;
import org.apache.james.protocols.smtp.SMTPResponse;
import org.apache.james.protocols.smtp.SMTPSession;
import org.apache.james.protocols.smtp.hook.HookResult;
import org.apache.james.protocols.smtp.hook.HookReturnCode;
import org.apache.james.protocols.smtp.hook.MailHook;

/**
 * Keeps the {@link SessionRegistry} up to date and, while the server drains before a
 * stop, answers new connections and new transactions with
 * {@code 421 4.3.2 Service shutting down} so that clients retry later instead of being
 * cut off in the middle of a message.
 */
public class GracefulShutdownHandler implements ConnectHandler<SMTPSession>, DisconnectHandler<SMTPSession>, MailHook {
    private final SessionRegistry registry;

    @Inject
    public GracefulShutdownHandler(SessionRegistry registry) {
        this.registry = registry;
    }

    @Override
    public Response onConnect(SMTPSession session) {
        if (registry.isDraining()) {
            SMTPResponse response = new SMTPResponse(FixedReply.SHUTTING_DOWN.code(),
                session.getConfiguration().getHelloName() + " " + FixedReply.SHUTTING_DOWN.description());
            response.setEndSession(true);
            return response;
        }
        registry.opened(session);
        return null;
    }

    @Override
    public void onDisconnect(SMTPSession session) {
        registry.closed(session);
    }

    @Override
    public HookResult doMail(SMTPSession session, MaybeSender sender) {
        if (!registry.isDraining()) {
            return HookResult.DECLINED;
        }
        return HookResult.builder()
            .hookReturnCode(HookReturnCode.disconnected(HookReturnCode.Action.DENYSOFT))
            .smtpReturnCode(FixedReply.SHUTTING_DOWN.code())
            .smtpDescription(FixedReply.SHUTTING_DOWN.description())
            .build();
    }
}
