package dev.postern.smtpd;

import java.util.Optional;

import org.apache.james.protocols.api.ProtocolSession;
import org.apache.james.protocols.api.ProtocolSession.State;
import org.apache.james.protocols.netty.HandlerConstants;

import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelPipeline;
import io.netty.handler.codec.TooLongFrameException;

/**
 * Whether the client has sent input that the server has not yet processed, at the moment a
 * command is dispatched: what Postfix's smtpd peeks at to detect improper command pipelining.
 *
 * <p>James reads the socket on the channel's event loop, cuts lines in its framer (on another
 * executor), and hands each line back to the event loop for the command dispatcher, so by the
 * time a command runs, all bytes of the same read are already known. Two Netty handlers count
 * lines: one before the framer counts line ends received (and bytes after the last one), one
 * before the dispatcher counts lines handed on (and overlong lines, which the framer drops with
 * a {@link TooLongFrameException} instead). Lines rather than bytes, so that a dropped line
 * cannot skew the count. Both handlers and the command dispatcher run on the event loop; the
 * methods are synchronized all the same, as the framer's thread is another.
 *
 * <p>The Netty channel comes from {@link SessionChannel}; {@link #isSupported} says whether it can.
 *
 * <p>The same counts bound the backlog: {@link InputBacklogLimit} pauses reading while too many
 * lines wait.
 */
final class ClientInputMeter {
    private static final ProtocolSession.AttachmentKey<ClientInputMeter> KEY =
        ProtocolSession.AttachmentKey.of("dev.postern.clientInputMeter", ClientInputMeter.class);
    private static final int TAIL = 512;
    /** The name of the handler that counts what arrives. */
    static final String RECEIVED = "posternInputReceived";

    /** Bytes looked at per copy out of Netty's buffer when counting line ends. */
    private static final int WINDOW = 2048;

    private final byte[] tail = new byte[TAIL];
    private final byte[] window = new byte[WINDOW];
    private long tailEnd;
    private long linesReceived;
    private long partialBytes;
    private long linesDispatched;

    private ClientInputMeter() {
    }

    /** Whether James's transport lets the meter reach the Netty pipeline. */
    static boolean isSupported() {
        return SessionChannel.isSupported();
    }

    /** Puts the meter in the session's pipeline, at connect before any input is read. */
    static Optional<ClientInputMeter> install(ProtocolSession session) {
        Optional<Channel> channel = SessionChannel.of(session);
        if (channel.isEmpty()) {
            return Optional.empty();
        }
        Optional<ClientInputMeter> meter = addTo(channel.get().pipeline());
        meter.ifPresent(m -> session.setAttachment(KEY, m, State.Connection));
        return meter;
    }

    /** A meter around James's framer and command dispatcher ({@link HandlerConstants} names), if the pipeline has them. */
    static Optional<ClientInputMeter> addTo(ChannelPipeline pipeline) {
        if (pipeline.get(HandlerConstants.FRAMER) == null || pipeline.get(HandlerConstants.CORE_HANDLER) == null) {
            return Optional.empty();
        }
        ClientInputMeter meter = new ClientInputMeter();
        pipeline.addBefore(HandlerConstants.FRAMER, RECEIVED, meter.new Received());
        pipeline.addBefore(HandlerConstants.CORE_HANDLER, "posternInputDispatched", meter.new Dispatched());
        return Optional.of(meter);
    }

    static Optional<ClientInputMeter> of(ProtocolSession session) {
        return session.getAttachment(KEY, State.Connection);
    }

    /** Whether input beyond the line being processed has arrived: whole lines or part of one. */
    synchronized boolean hasPendingInput() {
        return linesReceived > linesDispatched || partialBytes > 0;
    }

    /**
     * The pending input as far as it is still at hand (the last {@value #TAIL} bytes received),
     * at most {@code max} bytes, in Postfix's escaped form ({@code \r}, {@code \n}, {@code \ooo}).
     */
    synchronized String pendingText(int max) {
        int available = (int) Math.min(tailEnd, TAIL);
        // Walk back over the pending whole lines to the end of the line being processed.
        long linesToSkip = linesReceived - linesDispatched;
        int start = available;
        int newlines = 0;
        for (int i = available - 1; i >= 0; i--) {
            if (byteAt(i, available) == '\n' && newlines++ == linesToSkip) {
                start = i + 1;
                break;
            }
            start = i;
        }
        StringBuilder text = new StringBuilder();
        for (int i = start; i < available && i < start + max; i++) {
            escape(byteAt(i, available), text);
        }
        return text.toString();
    }

    /** The byte at position {@code index} of the {@code available} most recent ones. */
    private byte byteAt(int index, int available) {
        long position = tailEnd - available + index;
        return tail[(int) (position % TAIL)];
    }

    /**
     * Counts the line ends of one read and keeps its last bytes. This runs for every byte the
     * client sends, message content included, so it looks at each byte once, through a small
     * array of its own (a Netty search per line was 6 % of receiving a 100 KB message), and copies
     * only what the tail can hold.
     */
    private synchronized void received(ByteBuf buffer) {
        int from = buffer.readerIndex();
        int to = buffer.writerIndex();
        int lastNewline = -1;
        for (int base = from; base < to; base += WINDOW) {
            int length = Math.min(WINDOW, to - base);
            buffer.getBytes(base, window, 0, length);
            for (int i = 0; i < length; i++) {
                if (window[i] == '\n') {
                    linesReceived++;
                    lastNewline = base + i;
                }
            }
        }
        partialBytes = lastNewline < 0 ? partialBytes + (to - from) : to - lastNewline - 1;
        keepTail(buffer, from, to);
    }

    /**
     * Counts a {@link DataChunk}'s lines without looking at its bytes: the chunker, which sits
     * before the meter, has counted them, and a chunk is whole lines.
     */
    private synchronized void received(DataChunk chunk) {
        ByteBuf content = chunk.content();
        linesReceived += chunk.lines();
        partialBytes = 0;
        keepTail(content, content.readerIndex(), content.writerIndex());
    }

    /** Keeps the last bytes of {@code [from, to)} in the tail. */
    private void keepTail(ByteBuf buffer, int from, int to) {
        int keep = Math.min(to - from, TAIL);
        long keptStart = tailEnd + (to - from) - keep;
        for (int copied = 0; copied < keep; ) {
            int slot = (int) ((keptStart + copied) % TAIL);
            int chunk = Math.min(keep - copied, TAIL - slot);
            buffer.getBytes(to - keep + copied, tail, slot, chunk);
            copied += chunk;
        }
        tailEnd += to - from;
    }

    private synchronized void dispatched(long lines) {
        linesDispatched += lines;
    }

    /** Whole lines received and not yet handed to the dispatcher. */
    private synchronized long waitingLines() {
        return linesReceived - linesDispatched;
    }

    private static void escape(byte value, StringBuilder out) {
        int c = value & 0xff;
        switch (c) {
            case '\\' -> out.append("\\\\");
            case 7 -> out.append("\\a");
            case '\b' -> out.append("\\b");
            case '\f' -> out.append("\\f");
            case '\n' -> out.append("\\n");
            case '\r' -> out.append("\\r");
            case '\t' -> out.append("\\t");
            case 11 -> out.append("\\v");
            default -> {
                if (c >= 0x20 && c < 0x7f) {
                    out.append((char) c);
                } else {
                    out.append(String.format("\\%03o", c));
                }
            }
        }
    }

    /**
     * Counts what arrives, before the framer (and after TLS, so it counts plain text), after the
     * {@link DataChunker}: raw bytes, and the chunks it cut from a message body.
     */
    private final class Received extends ChannelInboundHandlerAdapter {
        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) throws Exception {
            if (msg instanceof ByteBuf buffer) {
                received(buffer);
                InputBacklogLimit.afterReceived(ctx.channel(), waitingLines());
            } else if (msg instanceof DataChunk chunk) {
                received(chunk);
                InputBacklogLimit.afterReceived(ctx.channel(), waitingLines());
            }
            super.channelRead(ctx, msg);
        }
    }

    /** Counts what reaches the command dispatcher, just before it does: a line, or a {@link DataChunk}'s lines. */
    private final class Dispatched extends ChannelInboundHandlerAdapter {
        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) throws Exception {
            dispatched(msg instanceof DataChunk chunk ? chunk.lines() : 1);
            InputBacklogLimit.afterDispatched(ctx.channel(), waitingLines());
            super.channelRead(ctx, msg);
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) throws Exception {
            if (cause instanceof TooLongFrameException) {
                dispatched(1); // the framer dropped a whole line; it will not be dispatched
                InputBacklogLimit.afterDispatched(ctx.channel(), waitingLines());
            }
            super.exceptionCaught(ctx, cause);
        }
    }
}
