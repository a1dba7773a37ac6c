package dev.postern.smtpd;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.DefaultByteBufHolder;

/**
 * Whole lines of a message body, CR LF ended, that need none of the DATA line filters' work:
 * what {@link DataChunker} hands on in place of single lines, for {@link DataChunkWriter} to
 * store with one copy. A {@link io.netty.buffer.ByteBufHolder} rather than a buffer, so that
 * James's framer passes it through untouched, and Netty releases it if the connection closes
 * before it is stored.
 */
final class DataChunk extends DefaultByteBufHolder {
    private final int lines;

    DataChunk(ByteBuf content, int lines) {
        super(content);
        this.lines = lines;
    }

    /** How many lines the chunk holds. */
    int lines() {
        return lines;
    }
}
