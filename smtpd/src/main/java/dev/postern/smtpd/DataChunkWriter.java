package dev.postern.smtpd;

import java.io.IOException;
import java.io.OutputStream;

import org.apache.james.protocols.smtp.SMTPSession;
import org.apache.james.server.core.MimeMessageInputStreamSource;
import org.apache.james.smtpserver.ExtendedSMTPSession;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;

/**
 * Stores each {@link DataChunk} in the message being received with one copy, doing for its plain
 * lines what the DATA line filters would have done line by line: count them against
 * {@code message_size_limit}, drop them when cleanup's header limits have refused the message,
 * and write them out. It sits just before James's command dispatcher, on the event loop, so it
 * sees chunks in their place among the lines.
 *
 * <p>A chunk is stored only when the session is in the body of a message (James has a message
 * open and has seen the blank line after the header section) and the chunk keeps the message
 * within its size limit. Otherwise its lines go on to James one by one, as the framer would have
 * cut them: the line that crosses the size limit, or lines that were not body content after all,
 * are then handled exactly as before.
 */
final class DataChunkWriter extends ChannelInboundHandlerAdapter {
    static final String NAME = "posternDataChunkWriter";

    /** Bytes copied at a time from a chunk to the message's store. */
    private static final int SCRATCH_SIZE = 8192;

    private final SMTPSession session;
    /** Made at the first chunk: a connection that sends no message body needs none. */
    private byte[] scratch;

    DataChunkWriter(SMTPSession session) {
        this.session = session;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (!(msg instanceof DataChunk chunk)) {
            ctx.fireChannelRead(msg);
            return;
        }
        try {
            if (!store(chunk.content())) {
                lineByLine(ctx, chunk.content());
            }
        } finally {
            chunk.release();
        }
    }

    /** Stores the lines in the open message; false when they must take James's line path instead. */
    private boolean store(ByteBuf lines) {
        if (!(session instanceof ExtendedSMTPSession james) || james.getMimeMessageWriter() == null
                || !session.headerComplete()) {
            return false;
        }
        int length = lines.readableBytes();
        long size = session.currentMessageSize() + length;
        long limit = session.getConfiguration().getMaxMessageSize();
        if (limit > 0 && size > limit) {
            return false; // James's size filter finds the line that crosses the limit
        }
        if (!CleanupHeaderLimits.isRefused(session)) {
            if (!write(james.getMimeMessageWriter(), lines, length)) {
                return false;
            }
        }
        session.setCurrentMessageSize(size);
        return true;
    }

    /**
     * Writes the lines to the message's store through this connection's scratch array: Netty's own
     * copy of a direct buffer to a stream would take a pooled heap buffer, and the heap arenas it
     * creates for each event loop cost 20–30 MB of resident memory. A failed write leaves the lines
     * to James, whose DATA handler meets the same failure and answers it (451, and the session
     * ends), as it would have.
     */
    private boolean write(MimeMessageInputStreamSource message, ByteBuf lines, int length) {
        if (scratch == null) {
            scratch = new byte[SCRATCH_SIZE];
        }
        try {
            OutputStream out = message.getWritableOutputStream();
            for (int at = 0; at < length; at += SCRATCH_SIZE) {
                int piece = Math.min(SCRATCH_SIZE, length - at);
                lines.getBytes(lines.readerIndex() + at, scratch, 0, piece);
                out.write(scratch, 0, piece);
            }
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    /** Hands the lines on one at a time, as James's framer would have. */
    private static void lineByLine(ChannelHandlerContext ctx, ByteBuf lines) {
        int at = lines.readerIndex();
        int to = lines.writerIndex();
        while (at < to) {
            int lf = lines.indexOf(at, to, (byte) '\n');
            int end = lf < 0 ? to : lf + 1;
            ctx.fireChannelRead(lines.retainedSlice(at, end - at));
            at = end;
        }
    }
}
