package dev.postern.milter;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * One packet of the milter protocol: a command (or reply) letter and its data. On the wire it is
 * a big-endian uint32 length of letter and data, the letter, the data; strings end in NUL.
 */
public record MilterPacket(char command, byte[] data) {
    /** The longest packet accepted from a filter: a replaced body comes in chunks, nothing needs more. */
    static final int MAX_LENGTH = 16 * 1024 * 1024;

    public MilterPacket {
        data = data.clone();
    }

    @Override
    public byte[] data() {
        return data.clone();
    }

    /** A packet whose data is the given strings, each followed by NUL. */
    public static MilterPacket ofStrings(char command, String... strings) {
        return new MilterPacket(command, Builder.start().strings(strings).bytes());
    }

    /** The packet as it goes on the wire. */
    public byte[] encode() {
        ByteBuffer buffer = ByteBuffer.allocate(5 + data.length);
        buffer.putInt(data.length + 1).put((byte) command).put(data);
        return buffer.array();
    }

    /** The NUL-terminated strings of the data, from {@code offset} on; a missing final NUL ends the last. */
    public List<String> strings(int offset) {
        List<String> strings = new ArrayList<>();
        int start = offset;
        for (int i = offset; i < data.length; i++) {
            if (data[i] == 0) {
                strings.add(new String(data, start, i - start, StandardCharsets.UTF_8));
                start = i + 1;
            }
        }
        if (start < data.length) {
            strings.add(new String(data, start, data.length - start, StandardCharsets.UTF_8));
        }
        return strings;
    }

    public List<String> strings() {
        return strings(0);
    }

    /** The big-endian uint32 at {@code offset}; a short packet is a protocol error. */
    public int int32(int offset) throws MilterException {
        if (data.length < offset + 4) {
            throw new MilterException("packet '" + command + "' too short: " + data.length + " bytes");
        }
        return ByteBuffer.wrap(data, offset, 4).getInt();
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof MilterPacket packet && packet.command == command && Arrays.equals(packet.data, data);
    }

    @Override
    public int hashCode() {
        return command * 31 + Arrays.hashCode(data);
    }

    @Override
    public String toString() {
        return "'" + command + "' " + data.length + " bytes";
    }

    /** Builds packet data: integers, NUL-terminated strings, raw bytes. */
    public static final class Builder {
        private final ByteArrayOutputStream out = new ByteArrayOutputStream();

        public static Builder start() {
            return new Builder();
        }

        public Builder int32(int value) {
            out.writeBytes(ByteBuffer.allocate(4).putInt(value).array());
            return this;
        }

        public Builder int16(int value) {
            out.write((value >> 8) & 0xFF);
            out.write(value & 0xFF);
            return this;
        }

        public Builder raw(byte[] bytes) {
            out.writeBytes(bytes);
            return this;
        }

        public Builder strings(String... strings) {
            for (String string : strings) {
                out.writeBytes(string.getBytes(StandardCharsets.UTF_8));
                out.write(0);
            }
            return this;
        }

        public byte[] bytes() {
            return out.toByteArray();
        }

        public MilterPacket packet(char command) {
            return new MilterPacket(command, bytes());
        }
    }
}
