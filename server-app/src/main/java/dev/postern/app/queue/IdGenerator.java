package dev.postern.app.queue;

import java.security.SecureRandom;
import java.time.Clock;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Pattern;

/**
 * Ids of envelopes and contents: the time in milliseconds (so that a listing reads in
 * roughly arrival order), a counter (unique within this run) and 48 random bits drawn at start (unique
 * across runs, and across two processes that should never, but might, share a queue directory).
 * Only characters that are safe in a file name are used.
 */
final class IdGenerator {
    private static final Pattern VALID = Pattern.compile("[0-9a-f]{12}-[0-9a-f]{8}-[0-9a-f]{12}");

    private final Clock clock;
    private final AtomicLong counter = new AtomicLong();
    private final long runPrefix;

    IdGenerator(Clock clock) {
        this.clock = clock;
        this.runPrefix = new SecureRandom().nextLong() & 0xffff_ffff_ffffL;
    }

    String next() {
        long millis = clock.millis() & 0xffff_ffff_ffffL;
        long sequence = counter.getAndIncrement() & 0xffff_ffffL;
        StringBuilder id = new StringBuilder(34);
        appendHex(id, millis, 12).append('-');
        appendHex(id, sequence, 8).append('-');
        return appendHex(id, runPrefix, 12).toString();
    }

    /**
     * The low {@code digits} hex digits of the value, zero-padded: what {@code %012x} gives, without
     * parsing a format string for each of the two ids every queued message takes.
     */
    private static StringBuilder appendHex(StringBuilder id, long value, int digits) {
        for (int shift = 4 * (digits - 1); shift >= 0; shift -= 4) {
            id.append(Character.forDigit((int) (value >>> shift) & 0xf, 16));
        }
        return id;
    }

    static boolean isValid(String id) {
        return VALID.matcher(id).matches();
    }
}
