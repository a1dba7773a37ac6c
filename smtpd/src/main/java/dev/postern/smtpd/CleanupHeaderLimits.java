package dev.postern.smtpd;

import javax.inject.Inject;

import org.apache.commons.configuration2.Configuration;
import org.apache.commons.configuration2.ex.ConfigurationException;
import org.apache.james.protocols.api.ProtocolSession;
import org.apache.james.protocols.api.ProtocolSession.State;
import org.apache.james.protocols.api.Response;
import org.apache.james.protocols.api.handler.LineHandler;
import org.apache.james.protocols.smtp.MailEnvelope;
import org.apache.james.protocols.smtp.SMTPSession;
import org.apache.james.protocols.smtp.core.DataLineFilter;
import org.apache.james.protocols.smtp.hook.HookResult;
import org.apache.james.protocols.smtp.hook.HookReturnCode;
import org.apache.james.protocols.smtp.hook.MessageHook;

import dev.postern.cleanup.HeaderLimiter;
import dev.postern.cleanup.HeaderLimits;
import dev.postern.config.ComponentParameters;
import dev.postern.restrictions.Reply;

/**
 * Postfix cleanup's header limits ({@code header_size_limit}, {@code hopcount_limit},
 * {@code header_address_token_limit}) and Postern's {@code postern_header_block_size_limit},
 * applied to each DATA line before James stores it ({@link HeaderLimiter}), so that no message,
 * whatever the shape of its header, costs more memory than the limits allow anywhere after. It
 * sits after {@link PosternReceivedDataLineFilter}, so the server's own {@code Received:} header counts
 * as a hop, as in Postfix. A refused message is answered at the end of data, before any other
 * end-of-data hook ({@code 554 5.4.0 Error: too many hops}), and never queued.
 */
public class CleanupHeaderLimits implements DataLineFilter, MessageHook {
    private static final ProtocolSession.AttachmentKey<HeaderLimiter> LIMITER =
        ProtocolSession.AttachmentKey.of("dev.postern.headerLimiter", HeaderLimiter.class);

    private final HookEnvironment environment;
    private PerListener<HeaderLimits> limits;

    @Inject
    public CleanupHeaderLimits(HookEnvironment environment) {
        this.environment = environment;
    }

    @Override
    public void init(Configuration config) throws ConfigurationException {
        limits = environment.perListener(config, this, CleanupHeaderLimits::limits);
    }

    static HeaderLimits limits(ComponentParameters parameters) {
        return new HeaderLimits(Math.toIntExact(parameters.number("header_size_limit")),
            Math.toIntExact(parameters.number("hopcount_limit")),
            Math.toIntExact(parameters.number("header_address_token_limit")),
            parameters.number("postern_header_block_size_limit"));
    }

    @Override
    public Response onLine(SMTPSession session, byte[] line, LineHandler<SMTPSession> next) {
        if (isEndOfData(line)) {
            // the verdict is read by onMessage, which James calls from within this call
            Response response = next.onLine(session, line);
            session.removeAttachment(LIMITER, State.Transaction);
            return response;
        }
        HeaderLimiter limiter = session.getAttachment(LIMITER, State.Transaction).orElseGet(() -> {
            HeaderLimiter created = new HeaderLimiter(limits.of(session));
            session.setAttachment(LIMITER, created, State.Transaction);
            return created;
        });
        byte[] kept = limiter.filter(line);
        return kept == null ? null : next.onLine(session, kept);
    }

    /** James's end of data: the line {@code .} CR LF. */
    private static boolean isEndOfData(byte[] line) {
        return line.length == 3 && line[0] == '.' && line[1] == '\r' && line[2] == '\n';
    }

    /** Whether the header limits have refused the message being received: its lines are dropped. */
    static boolean isRefused(SMTPSession session) {
        return session.getAttachment(LIMITER, State.Transaction).flatMap(HeaderLimiter::verdict).isPresent();
    }

    @Override
    public HookResult onMessage(SMTPSession session, MailEnvelope mail) {
        return session.getAttachment(LIMITER, State.Transaction)
            .flatMap(HeaderLimiter::verdict)
            .map(CleanupHeaderLimits::refusal)
            .orElse(HookResult.DECLINED);
    }

    private static HookResult refusal(Reply reply) {
        return HookResult.builder()
            .hookReturnCode(HookReturnCode.deny())
            .smtpReturnCode(Integer.toString(reply.code()))
            .smtpDescription(reply.dsn() + " " + reply.text())
            .build();
    }
}
