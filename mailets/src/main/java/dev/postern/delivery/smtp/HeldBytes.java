package dev.postern.delivery.smtp;

import java.util.Arrays;

/**
 * A {@link WireOutput.Target} that keeps what is written, up to a limit: past it the bytes are let go
 * and {@link #array()} says there are none, so a large message is never held whole.
 */
final class HeldBytes implements WireOutput.Target {
    private static final int FIRST_CAPACITY = 8 * 1024;

    private final int limit;
    private byte[] held;
    private int length;
    private boolean overflowed;

    /**
     * @param expected about how many bytes will come (the stored size; wire form adds a CR to each bare
     *                 LF), so that a message is copied into one array rather than a doubling series; 0: not known
     */
    HeldBytes(int limit, long expected) {
        this.limit = limit;
        this.held = new byte[(int) Math.min(limit, expected + expected / 64 + 64)];
    }

    @Override
    public void write(byte[] bytes, int offset, int count) {
        if (overflowed) {
            return;
        }
        if (count > limit - length) {
            overflowed = true;
            held = null;
            return;
        }
        if (length + count > held.length) {
            int capacity = Math.max(FIRST_CAPACITY, held.length * 2);
            while (capacity < length + count) {
                capacity *= 2;
            }
            held = Arrays.copyOf(held, Math.min(capacity, limit));
        }
        System.arraycopy(bytes, offset, held, length, count);
        length += count;
    }

    /** What was written, in its first {@link #length()} bytes; null when it went past the limit. */
    byte[] array() {
        return overflowed ? null : held;
    }

    int length() {
        return length;
    }
}
