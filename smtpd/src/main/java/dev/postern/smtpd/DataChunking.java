package dev.postern.smtpd;

import java.util.Optional;

import org.apache.james.protocols.api.ProtocolSession;
import org.apache.james.protocols.api.ProtocolSession.State;
import org.apache.james.protocols.api.Response;
import org.apache.james.protocols.api.handler.ConnectHandler;
import org.apache.james.protocols.netty.AbstractChannelPipelineFactory;
import org.apache.james.protocols.netty.HandlerConstants;
import org.apache.james.protocols.smtp.SMTPSession;

import io.netty.channel.Channel;
import io.netty.channel.ChannelPipeline;

/**
 * Puts a {@link DataChunker} before James's framer (and before the {@link ClientInputMeter}'s
 * count of what arrives) and a {@link DataChunkWriter} before its command dispatcher in each new
 * connection's pipeline, before any input is read (the chunker must see every byte to know where
 * lines start). A connect handler of its own, for the reason
 * {@link ClientInputMetering} gives.
 */
public class DataChunking implements ConnectHandler<SMTPSession> {
    /** The system property that turns chunking off ({@code false}), for measuring what it buys. */
    static final String SWITCH = "postern.smtpd.data_chunks";

    private static final ProtocolSession.AttachmentKey<DataChunker> KEY =
        ProtocolSession.AttachmentKey.of("dev.postern.dataChunker", DataChunker.class);

    private final boolean enabled = !"false".equals(System.getProperty(SWITCH));

    @Override
    public Response onConnect(SMTPSession session) {
        if (!enabled) {
            return null;
        }
        SessionChannel.of(session)
            .flatMap(channel -> addTo(channel, session))
            .ifPresent(chunker -> session.setAttachment(KEY, chunker, State.Connection));
        return null;
    }

    /** The chunker, if the pipeline has James's framer and dispatcher ({@link HandlerConstants} names). */
    static Optional<DataChunker> addTo(Channel channel, SMTPSession session) {
        ChannelPipeline pipeline = channel.pipeline();
        if (pipeline.get(HandlerConstants.FRAMER) == null || pipeline.get(HandlerConstants.CORE_HANDLER) == null) {
            return Optional.empty();
        }
        DataChunker chunker = new DataChunker(AbstractChannelPipelineFactory.MAX_LINE_LENGTH);
        // before the input meter, which then counts a chunk's lines without looking at its bytes
        String first = pipeline.get(ClientInputMeter.RECEIVED) != null ? ClientInputMeter.RECEIVED : HandlerConstants.FRAMER;
        pipeline.addBefore(first, DataChunker.NAME, chunker);
        pipeline.addBefore(HandlerConstants.CORE_HANDLER, DataChunkWriter.NAME, new DataChunkWriter(session));
        return Optional.of(chunker);
    }

    /** DATA was answered 354: the session's chunker may cut the message's body. */
    static void arm(SMTPSession session) {
        session.getAttachment(KEY, State.Connection).ifPresent(DataChunker::arm);
    }
}
