package dev.postern.tables;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * An immutable-after-load string-to-string hash map for big tables: keys and values are stored as
 * UTF-8 in one byte array, found through an open-addressing array of offsets. About 20 bytes per
 * entry plus the text itself, against some 120 for a {@code HashMap<String, String>}; a lookup
 * encodes the query and decodes the value it finds.
 *
 * <p>Not thread-safe while being filled; safe to read from any number of threads once published
 * (through a volatile write, as {@link FileSource} does) and no longer written.
 */
final class CompactStringMap {
    private static final int MAX_ARRAY = Integer.MAX_VALUE - 16;

    private byte[] data;
    private int used;
    /**
     * Per slot, the key's hash in the high half and the entry's offset plus one in the low half;
     * 0 for an empty slot. One array rather than one of offsets and one of hashes: a probe of a
     * big table is a cache miss, and this way it is one miss instead of two.
     */
    private long[] slots;
    private int mask;
    private int size;

    CompactStringMap(int expectedEntries) {
        int capacity = Integer.highestOneBit(Math.max(16, expectedEntries) * 2 - 1) << 1;
        slots = new long[capacity];
        mask = capacity - 1;
        data = new byte[Math.max(1024, Math.min(MAX_ARRAY, expectedEntries * 32L > MAX_ARRAY ? MAX_ARRAY
            : expectedEntries * 32))];
    }

    int size() {
        return size;
    }

    /** Adds the entry unless the key is already there; false when it was (the first value stays). */
    boolean putIfAbsent(String key, String value) {
        byte[] keyBytes = key.getBytes(StandardCharsets.UTF_8);
        int hash = hash(keyBytes);
        int i = hash & mask;
        while (slots[i] != 0) {
            if (hashOf(slots[i]) == hash && keyEquals(offsetOf(slots[i]), keyBytes)) {
                return false;
            }
            i = (i + 1) & mask;
        }
        byte[] valueBytes = value.getBytes(StandardCharsets.UTF_8);
        slots[i] = slot(hash, append(keyBytes, valueBytes));
        if (++size * 2 > slots.length) {
            rehash(slots.length * 2);
        }
        return true;
    }

    String get(String key) {
        byte[] keyBytes = key.getBytes(StandardCharsets.UTF_8);
        int hash = hash(keyBytes);
        int i = hash & mask;
        while (slots[i] != 0) {
            int offset = offsetOf(slots[i]);
            if (hashOf(slots[i]) == hash && keyEquals(offset, keyBytes)) {
                int keyLength = readLength(offset);
                int valueAt = offset + lengthSize(keyLength) + keyLength;
                int valueLength = readLength(valueAt);
                return new String(data, valueAt + lengthSize(valueLength), valueLength, StandardCharsets.UTF_8);
            }
            i = (i + 1) & mask;
        }
        return null;
    }

    /** Calls {@code action} with every entry in the order they were added (the source file's order). */
    void forEach(java.util.function.BiConsumer<String, String> action) {
        int offset = 0;
        while (offset < used) {
            int keyLength = readLength(offset);
            int keyAt = offset + lengthSize(keyLength);
            int valueLength = readLength(keyAt + keyLength);
            int valueAt = keyAt + keyLength + lengthSize(valueLength);
            action.accept(new String(data, keyAt, keyLength, StandardCharsets.UTF_8),
                new String(data, valueAt, valueLength, StandardCharsets.UTF_8));
            offset = valueAt + valueLength;
        }
    }

    /** Gives back the unused part of the text array once loading is done. */
    CompactStringMap trim() {
        if (data.length > used) {
            data = Arrays.copyOf(data, used);
        }
        return this;
    }

    private static int hash(byte[] bytes) {
        int h = 0x811C9DC5;
        for (byte b : bytes) {
            h = (h ^ b) * 0x01000193;
        }
        h ^= h >>> 16;
        h *= 0x85EBCA6B;
        h ^= h >>> 13;
        return h;
    }

    private boolean keyEquals(int offset, byte[] key) {
        int length = readLength(offset);
        if (length != key.length) {
            return false;
        }
        int start = offset + lengthSize(length);
        return Arrays.equals(data, start, start + length, key, 0, length);
    }

    private int append(byte[] key, byte[] value) {
        long needed = (long) used + 10 + key.length + value.length;
        if (needed > data.length) {
            if (needed > MAX_ARRAY) {
                throw new IllegalStateException("table too large: more than 2 GB of keys and values");
            }
            data = Arrays.copyOf(data, (int) Math.min(MAX_ARRAY, Math.max(needed, data.length * 2L)));
        }
        int offset = used;
        writeLength(key.length);
        System.arraycopy(key, 0, data, used, key.length);
        used += key.length;
        writeLength(value.length);
        System.arraycopy(value, 0, data, used, value.length);
        used += value.length;
        return offset;
    }

    private void writeLength(int length) {
        int value = length;
        while (value >= 0x80) {
            data[used++] = (byte) (value | 0x80);
            value >>>= 7;
        }
        data[used++] = (byte) value;
    }

    private int readLength(int offset) {
        int value = 0;
        int shift = 0;
        int i = offset;
        while (true) {
            byte b = data[i++];
            value |= (b & 0x7F) << shift;
            if (b >= 0) {
                return value;
            }
            shift += 7;
        }
    }

    private static int lengthSize(int length) {
        int size = 1;
        for (int value = length; value >= 0x80; value >>>= 7) {
            size++;
        }
        return size;
    }

    private void rehash(int capacity) {
        long[] oldSlots = slots;
        slots = new long[capacity];
        mask = capacity - 1;
        for (long slot : oldSlots) {
            if (slot != 0) {
                int i = hashOf(slot) & mask;
                while (slots[i] != 0) {
                    i = (i + 1) & mask;
                }
                slots[i] = slot;
            }
        }
    }

    /** A filled slot: never 0, as the offset is stored plus one (offsets stay below 2^31). */
    private static long slot(int hash, int offset) {
        return (long) hash << 32 | (offset + 1L);
    }

    private static int hashOf(long slot) {
        return (int) (slot >>> 32);
    }

    private static int offsetOf(long slot) {
        return (int) slot - 1;
    }
}
