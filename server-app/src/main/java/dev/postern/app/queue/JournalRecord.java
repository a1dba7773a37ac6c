package dev.postern.app.queue;

import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.zip.CRC32C;

/**
 * One record of a queue segment ({@link QueueJournal}). On disk a record is a frame:
 *
 * <pre>
 * int   length of the body, big-endian
 * int   CRC-32C of the body
 * body: byte type, then
 *   CONTENT  UTF contentId, the message bytes (the rest of the body)
 *   PUT      UTF queue, UTF envelopeId, the envelope as JSON ({@link EnvelopeCodec}; the rest of the body)
 *   REMOVE   UTF queue, UTF envelopeId
 * </pre>
 *
 * (UTF is Java's modified UTF-8 with a two-byte length.) A mail is queued as its CONTENT and its PUT
 * written together, content first, so a torn write can leave a content nobody refers to but never a PUT
 * without its content. A later PUT of the same envelope id replaces the earlier one (a retry's attempt
 * count, a compaction's copy); a REMOVE ends it.
 */
sealed interface JournalRecord {
    int HEADER = 8;
    byte CONTENT = 1;
    byte PUT = 2;
    byte REMOVE = 3;

    record Content(String contentId, byte[] bytes) implements JournalRecord {
    }

    record Put(String queue, String envelopeId, byte[] envelope) implements JournalRecord {
    }

    record Remove(String queue, String envelopeId) implements JournalRecord {
    }

    /** The whole frame: header and body. */
    default byte[] frame() {
        try {
            ByteArrayOutputStream body = new ByteArrayOutputStream(64 + payloadSize());
            DataOutputStream out = new DataOutputStream(body);
            out.writeInt(0);
            out.writeInt(0);
            if (this instanceof Content content) {
                out.writeByte(CONTENT);
                out.writeUTF(content.contentId());
                out.write(content.bytes());
            } else if (this instanceof Put put) {
                out.writeByte(PUT);
                out.writeUTF(put.queue());
                out.writeUTF(put.envelopeId());
                out.write(put.envelope());
            } else if (this instanceof Remove remove) {
                out.writeByte(REMOVE);
                out.writeUTF(remove.queue());
                out.writeUTF(remove.envelopeId());
            }
            out.flush();
            byte[] frame = body.toByteArray();
            CRC32C crc = new CRC32C();
            crc.update(frame, HEADER, frame.length - HEADER);
            ByteBuffer.wrap(frame).putInt(frame.length - HEADER).putInt((int) crc.getValue());
            return frame;
        } catch (IOException e) {
            throw new IllegalStateException("Cannot encode " + this, e);
        }
    }

    private int payloadSize() {
        if (this instanceof Content content) {
            return content.bytes().length;
        }
        return this instanceof Put put ? put.envelope().length : 0;
    }

    /** Whether {@code body} matches the checksum of its header. */
    static boolean intact(byte[] body, int checksum) {
        CRC32C crc = new CRC32C();
        crc.update(body);
        return (int) crc.getValue() == checksum;
    }

    /** Decodes a body whose checksum matched; the offset of a CONTENT's bytes is given by {@link #contentStart}. */
    static JournalRecord decode(byte[] body) throws IOException {
        DataInputStream in = new DataInputStream(new java.io.ByteArrayInputStream(body));
        byte type = in.readByte();
        return switch (type) {
            case CONTENT -> {
                String contentId = in.readUTF();
                yield new Content(contentId, in.readAllBytes());
            }
            case PUT -> new Put(in.readUTF(), in.readUTF(), in.readAllBytes());
            case REMOVE -> new Remove(in.readUTF(), in.readUTF());
            default -> throw new IOException("unknown record type " + type);
        };
    }

    /** Where a CONTENT record's message bytes start, counted from the start of its frame. */
    static int contentStart(String contentId) {
        return HEADER + 1 + 2 + modifiedUtf8Length(contentId);
    }

    private static int modifiedUtf8Length(String text) {
        int length = 0;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            length += (c >= 1 && c <= 0x7f) ? 1 : (c <= 0x7ff ? 2 : 3);
        }
        return length;
    }
}
