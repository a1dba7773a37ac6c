package dev.postern.smtpd;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;

/**
 * Cuts the body of a message, as it is read from the socket, into runs of plain lines
 * ({@link DataChunk}s), so that they skip James's line-by-line DATA path: James's framer cuts
 * every line into a buffer of its own, on an executor of its own, and hands each one back to the
 * event loop, where five line filters see it and a copy is made; for a 100 KB message that was
 * half of all the CPU time spent receiving it. A plain line is one none of those filters would
 * change: it ends with CR LF and has no other CR, does not start with a dot (the end of data and
 * dot-stuffing are left to James), and is not longer than James's framer allows.
 *
 * <p>Everything else goes on to the framer as it came: commands, the header section (which the
 * Received: header and cleanup's header limits work on line by line), every line that is not
 * plain, and the end of data. The handler sits before the framer, so chunks and lines stay in the
 * order they were read; it only ever hands the framer whole lines while it cuts chunks, so the
 * framer never holds part of a line when a chunk passes it. It cuts only once armed by
 * {@link PosternDataCmdHandler} at the {@code 354}, and only after the blank line that ends the
 * header section; the end of data disarms it. {@link DataChunkWriter} checks again, against the
 * session, that a chunk really is body content, and gives it to James line by line when it is
 * not, so a client that sends its message before the {@code 354} gains nothing and breaks nothing.
 *
 * <p>Runs on the channel's event loop, as does the DATA command that arms it.
 */
final class DataChunker extends ChannelInboundHandlerAdapter {
    static final String NAME = "posternDataChunker";

    private static final byte CR = '\r';
    private static final byte LF = '\n';

    /** Bytes looked at per copy out of Netty's buffer. */
    private static final int WINDOW_SIZE = 4096;

    private final int maxLineLength;
    /** Made at the first message: a connection that sends none needs none. */
    private byte[] window;
    private boolean armed;
    private boolean body;
    /** Bytes of the line the last read ended inside of (its start is with the framer), 0 at a line start. */
    private long partialLength;
    /** The first two bytes of that line, enough to tell the end of data and the blank line. */
    private byte partialFirst;
    private byte partialSecond;

    /** @param maxLineLength the longest line James's framer takes, line end not counted */
    DataChunker(int maxLineLength) {
        this.maxLineLength = maxLineLength;
    }

    /** DATA was answered 354: the message's lines come next. */
    void arm() {
        armed = true;
        body = false;
    }

    boolean isArmed() {
        return armed;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (!(msg instanceof ByteBuf in)) {
            ctx.fireChannelRead(msg);
            return;
        }
        if (!armed) {
            notePartialLine(in);
            ctx.fireChannelRead(in);
            return;
        }
        try {
            cut(ctx, in);
        } finally {
            in.release();
        }
    }

    /** While not armed: where the read leaves the framer, which matters once a 354 arms the cutter. */
    private void notePartialLine(ByteBuf in) {
        int from = in.readerIndex();
        int to = in.writerIndex();
        if (from == to) {
            return;
        }
        int lastLf = in.indexOf(to, from, LF);
        int start = lastLf < 0 ? from : lastLf + 1;
        extendPartialLine(in, start, to, lastLf < 0);
    }

    private void extendPartialLine(ByteBuf in, int from, int to, boolean continued) {
        if (!continued) {
            partialLength = 0;
        }
        for (int i = from; i < to && partialLength + (i - from) < 2; i++) {
            if (partialLength + (i - from) == 0) {
                partialFirst = in.getByte(i);
            } else {
                partialSecond = in.getByte(i);
            }
        }
        partialLength += to - from;
    }

    /**
     * Looks at each byte of the read once, through a small array of the connection's own: three
     * searches per line (the line end, a bare CR, the dot) through Netty's buffer were a quarter of
     * the receiving threads' time for 100 KB messages.
     */
    private void cut(ChannelHandlerContext ctx, ByteBuf in) {
        if (window == null) {
            window = new byte[WINDOW_SIZE];
        }
        Pieces pieces = new Pieces(ctx, in);
        int to = in.writerIndex();
        int lineStart = in.readerIndex();
        int firstCr = -1;
        for (int base = lineStart; base < to; base += WINDOW_SIZE) {
            int length = Math.min(WINDOW_SIZE, to - base);
            in.getBytes(base, window, 0, length);
            for (int i = 0; i < length; i++) {
                byte b = window[i];
                if ((b & 0xF0) != 0) {
                    continue; // neither CR nor LF, nor any other byte below 16
                }
                if (b == CR) {
                    firstCr = firstCr < 0 ? base + i : firstCr;
                } else if (b == LF) {
                    int end = base + i + 1;
                    line(in, pieces, lineStart, end, firstCr);
                    lineStart = end;
                    firstCr = -1;
                }
            }
        }
        if (lineStart < to) {
            extendPartialLine(in, lineStart, to, partialLength > 0);
            pieces.raw(lineStart, to);
        }
        pieces.flush();
    }

    /** One whole line, {@code [start, end)}, LF ended; {@code firstCr} is where its first CR is, or -1. */
    private void line(ByteBuf in, Pieces pieces, int start, int end, int firstCr) {
        if (partialLength > 0) {
            // the end of a line whose start the framer holds: it must go the same way
            extendPartialLine(in, start, end, true);
            observe(partialLength, partialFirst, partialSecond);
            partialLength = 0;
            pieces.raw(start, end);
        } else if (body && armed && isPlain(in, start, end, firstCr)) {
            pieces.plain(start, end);
        } else {
            observe(end - start, in.getByte(start), end - start > 1 ? in.getByte(start + 1) : 0);
            pieces.raw(start, end);
        }
    }

    /** Follows a line that goes to the framer: the blank line starts the body, the end of data disarms. */
    private void observe(long length, byte first, byte second) {
        if (!armed) {
            return;
        }
        if (length == 3 && first == '.' && second == CR) {
            armed = false;
            body = false;
        } else if (length == 2 && first == CR) {
            body = true;
        }
    }

    /**
     * Whether the line {@code [from, to)}, LF ended, is one the DATA line filters would pass
     * unchanged: its only CR is the one before the LF, it starts with no dot, it is not too long.
     */
    private boolean isPlain(ByteBuf in, int from, int to, int firstCr) {
        return firstCr >= from && firstCr == to - 2
            && in.getByte(from) != '.'
            && to - 2 - from <= maxLineLength;
    }

    /** Consecutive lines of one read, handed on as one piece per run of the same kind. */
    private static final class Pieces {
        private final ChannelHandlerContext ctx;
        private final ByteBuf in;
        private int start = -1;
        private int end;
        private int plainLines;

        Pieces(ChannelHandlerContext ctx, ByteBuf in) {
            this.ctx = ctx;
            this.in = in;
        }

        void raw(int from, int to) {
            if (plainLines > 0) {
                flush();
            }
            extend(from, to);
        }

        void plain(int from, int to) {
            if (plainLines == 0 && start >= 0) {
                flush();
            }
            extend(from, to);
            plainLines++;
        }

        private void extend(int from, int to) {
            if (start < 0) {
                start = from;
            }
            end = to;
        }

        void flush() {
            if (start < 0) {
                return;
            }
            ByteBuf piece = in.retainedSlice(start, end - start);
            ctx.fireChannelRead(plainLines > 0 ? new DataChunk(piece, plainLines) : piece);
            start = -1;
            plainLines = 0;
        }
    }
}
