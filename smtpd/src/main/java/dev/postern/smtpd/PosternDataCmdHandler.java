package dev.postern.smtpd;

import java.util.List;
import java.util.Set;

import javax.inject.Inject;

import org.apache.james.core.MaybeSender;
import org.apache.james.metrics.api.MetricFactory;
import org.apache.james.protocols.api.ProtocolSession.State;
import org.apache.james.protocols.api.handler.WiringException;
import org.apache.james.protocols.smtp.SMTPResponse;
import org.apache.james.protocols.smtp.SMTPRetCode;
import org.apache.james.protocols.smtp.SMTPSession;
import org.apache.james.protocols.smtp.core.DataLineFilter;
import org.apache.james.smtpserver.DataLineJamesMessageHookHandler;
import org.apache.james.smtpserver.JamesDataCmdHandler;

/**
 * James's DATA command, which also arms the session's {@link DataChunker} when it answers
 * {@code 354}, provided every DATA line filter of the chain is one whose work on a plain body line
 * {@link DataChunkWriter} does in its place. A site that adds a DATA line filter of its own to
 * smtpserver.xml gets James's line-by-line path for every line, so its filter sees them all.
 * It also records the transaction's envelope at the {@code 354}, as James's base DATA handler
 * does and James's server DATA handler does not.
 */
public class PosternDataCmdHandler extends JamesDataCmdHandler {
    /** The filters of {@link PosternCmdHandlerLoader}'s chain, which {@link DataChunkWriter} stands in for. */
    private static final Set<Class<?>> STOOD_IN_FOR = Set.of(PosternMailSizeEsmtpExtension.class,
        BareCarriageReturnFilter.class, PosternReceivedDataLineFilter.class, CleanupHeaderLimits.class,
        DataLineJamesMessageHookHandler.class);

    private boolean chunkable;

    @Inject
    public PosternDataCmdHandler(MetricFactory metricFactory) {
        super(metricFactory);
    }

    @Override
    @SuppressWarnings("rawtypes")
    public void wireExtensions(Class interfaceName, List extension) throws WiringException {
        super.wireExtensions(interfaceName, extension);
        if (DataLineFilter.class.equals(interfaceName)) {
            chunkable = canChunk(extension);
        }
    }

    /** Whether {@link DataChunkWriter} does all that the filters would do to a plain body line. */
    static boolean canChunk(List<?> filters) {
        return filters.stream().allMatch(filter -> STOOD_IN_FOR.contains(filter.getClass()))
            && filters.stream().anyMatch(PosternReceivedDataLineFilter.class::isInstance);
    }

    @Override
    protected SMTPResponse doDATA(SMTPSession session, String argument) {
        SMTPResponse response = super.doDATA(session, argument);
        if (!SMTPRetCode.DATA_READY.equals(response.getRetCode())) {
            return response;
        }
        // James's DATA handler leaves out the envelope its base class records at the 354; the
        // timeout's "after DATA content" (SmtpdTimeout) reads it
        session.setAttachment(MAILENV, createEnvelope(
            session.getAttachment(SMTPSession.SENDER, State.Transaction).orElse(MaybeSender.nullSender()),
            session.getAttachment(SMTPSession.RCPT_LIST, State.Transaction).orElse(List.of())), State.Transaction);
        if (chunkable) {
            DataChunking.arm(session);
        }
        return response;
    }
}
