package dev.postern.smtpd;

import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

import javax.inject.Inject;

import org.apache.commons.configuration2.Configuration;
import org.apache.commons.configuration2.ex.ConfigurationException;
import org.apache.james.protocols.api.ProtocolSession.State;
import org.apache.james.protocols.api.ProtocolSessionImpl;
import org.apache.james.protocols.api.Response;
import org.apache.james.protocols.api.handler.ConnectHandler;
import org.apache.james.protocols.netty.HandlerConstants;
import org.apache.james.protocols.smtp.SMTPResponse;
import org.apache.james.protocols.smtp.SMTPSession;
import org.apache.james.protocols.smtp.core.DataCmdHandler;

import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.timeout.IdleState;
import io.netty.handler.timeout.IdleStateEvent;
import io.netty.handler.timeout.IdleStateHandler;

/**
 * Postfix's {@code smtpd_timeout}: a client that sends nothing for that long after the
 * server's last reply gets {@code 421 4.4.2 MYHOSTNAME Error: timeout exceeded} and is
 * disconnected, and the mail log says {@code timeout after CMD from NAME[IP]}, where CMD is the
 * last command ({@code CONNECT} before any, {@code DATA content} while the message comes in,
 * {@code END-OF-MESSAGE} after it), as Postfix's smtpd logs it.
 *
 * <p>James's own idle timer ({@code connectiontimeout}) closes the connection without a word,
 * and only at its second idle period (it ignores Netty's first idle event): this handler takes
 * its place in each connection's pipeline at connect. The timer counts from the last byte read
 * or written, so it starts again with each reply.
 */
public class SmtpdTimeout implements ConnectHandler<SMTPSession> {
    private final HookEnvironment environment;
    private PerListener<Duration> timeouts;
    private SmtpdLog log;

    @Inject
    public SmtpdTimeout(HookEnvironment environment) {
        this.environment = environment;
    }

    @Override
    public void init(Configuration config) throws ConfigurationException {
        log = environment.smtpdLog(config, this);
        timeouts = environment.perListener(config, this, parameters -> {
            Duration timeout = parameters.duration("smtpd_timeout");
            if (timeout.toMillis() < 1000) {
                throw new IllegalArgumentException("smtpd_timeout: " + parameters.get("smtpd_timeout")
                    + " is too short: the SMTP server needs at least 1s");
            }
            return timeout;
        });
    }

    @Override
    public Response onConnect(SMTPSession session) {
        Optional<Channel> channel = SessionChannel.of(session);
        if (channel.isPresent() && channel.get().pipeline().get(HandlerConstants.TIMEOUT_HANDLER) != null) {
            channel.get().pipeline().replace(HandlerConstants.TIMEOUT_HANDLER, HandlerConstants.TIMEOUT_HANDLER,
                new Timer(session, timeouts.of(session)));
        }
        return null;
    }

    /**
     * Where the session stood when the client went quiet, by Postfix's names: the last command,
     * or {@code CONNECT}, {@code DATA content}, {@code END-OF-MESSAGE}.
     */
    static String where(SMTPSession session) {
        Optional<String> command = CommandPrechecks.lastCommand(session);
        if (command.isEmpty()) {
            return "CONNECT";
        }
        if (!command.get().equals("DATA")) {
            return command.get();
        }
        if (session.getAttachment(DataCmdHandler.MAILENV, State.Transaction).isPresent()) {
            return "DATA content"; // James's DATA handler answered 354 and the message has not ended
        }
        // the end of the message resets the transaction; a refused DATA leaves it
        return session.getAttachment(SMTPSession.SENDER, State.Transaction).isPresent() ? "DATA" : "END-OF-MESSAGE";
    }

    /** The 421 of a timeout, with the listener's host name ({@code myhostname}). */
    static SMTPResponse timeoutReply(SMTPSession session) {
        SMTPResponse reply = FixedReply.TIMEOUT_EXCEEDED.response(session.getConfiguration().getHelloName());
        reply.setEndSession(true);
        return reply;
    }

    /** One connection's idle timer, in the place of James's. */
    private final class Timer extends IdleStateHandler {
        private final SMTPSession session;

        Timer(SMTPSession session, Duration timeout) {
            super(0, 0, timeout.toMillis(), TimeUnit.MILLISECONDS);
            this.session = session;
        }

        @Override
        protected void channelIdle(ChannelHandlerContext ctx, IdleStateEvent event) {
            if (event.state() != IdleState.ALL_IDLE || !event.isFirst()) {
                return;
            }
            log.log(session, "timeout after " + where(session) + " from " + ClientIdentity.of(session));
            if (session instanceof ProtocolSessionImpl impl) {
                // James's transport writes the reply after any it still has queued, then closes
                impl.getProtocolTransport().writeResponse(timeoutReply(session), session);
            } else {
                ctx.channel().close();
            }
        }
    }
}
