package dev.postern.queue;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Pattern;

import javax.inject.Inject;
import javax.inject.Singleton;

/**
 * Queue IDs in the form the mail log and the queue use (docs/logging-and-metrics.md): twelve upper-case hexadecimal digits, unique per
 * message. The value is the arrival time in microseconds (48 bits, which wrap after
 * about nine years), made strictly increasing so that two messages in the same
 * microsecond, or a clock step backwards, still get different IDs. Like Postfix's
 * IDs they sort roughly by arrival, and they stay unique across restarts because time
 * moves on while the server is down.
 */
@Singleton
public class QueueIdGenerator {
    private static final long MASK = (1L << 48) - 1;
    private static final char[] HEX_DIGITS = "0123456789ABCDEF".toCharArray();
    /** Compiled once: every queued message's content and envelope ask whether a mail name is a queue ID. */
    private static final Pattern QUEUE_ID = Pattern.compile("[0-9A-F]{10,12}");
    /** How far ahead of the clock an ID is still taken to be recent rather than nine years old. */
    static final Duration AHEAD = Duration.ofHours(1);

    private final Clock clock;
    private final AtomicLong last = new AtomicLong();

    @Inject
    public QueueIdGenerator() {
        this(Clock.systemUTC());
    }

    public QueueIdGenerator(Clock clock) {
        this.clock = clock;
    }

    public String next() {
        return hex(nextValue() & MASK);
    }

    /** Twelve upper-case hex digits, zero-padded: String.format's parse of "%012X" per message was 2 % of receiving one. */
    private static String hex(long value) {
        char[] digits = new char[12];
        long rest = value;
        for (int i = digits.length - 1; i >= 0; i--) {
            digits[i] = HEX_DIGITS[(int) (rest & 0xF)];
            rest >>>= 4;
        }
        return new String(digits);
    }

    /**
     * A number no other call on this generator returns: for names that must be unique
     * within the process (Maildir files, copies of a mail), without a counter of their own.
     */
    public long nextValue() {
        long micros = micros(clock.instant());
        return last.updateAndGet(previous -> Math.max(previous + 1, micros));
    }

    /**
     * The queue ID at the start of a mail name ({@code QID}, or {@code QID-suffix} for the copies a
     * message was split into); the whole name when it does not start with one.
     */
    public static String queueIdOf(String mailName) {
        int dash = mailName.indexOf('-');
        String head = dash > 0 ? mailName.substring(0, dash) : mailName;
        return isQueueId(head) ? head : mailName;
    }

    public static boolean isQueueId(String text) {
        return text != null && QUEUE_ID.matcher(text).matches();
    }

    /**
     * When the message with this queue ID arrived, read back from the ID, given that it arrived less
     * than the wrap period (about nine years) before {@code now}: the one instant not after {@code now}
     * whose low 48 bits of microseconds are the ID. IDs pushed a little ahead of the clock (many messages
     * in one microsecond, a clock step backwards) are allowed for, up to {@link #AHEAD}. Empty when the
     * text is not a queue ID.
     */
    public static Optional<Instant> arrivalOf(String queueId, Instant now) {
        if (!isQueueId(queueId)) {
            return Optional.empty();
        }
        long value = Long.parseLong(queueId, 16);
        long nowMicros = micros(now);
        long arrival = (nowMicros & ~MASK) | value;
        if (arrival > nowMicros + AHEAD.toNanos() / 1_000) {
            arrival -= MASK + 1;
        }
        return Optional.of(Instant.ofEpochSecond(Math.floorDiv(arrival, 1_000_000L), Math.floorMod(arrival, 1_000_000L) * 1_000));
    }

    private static long micros(Instant instant) {
        return instant.getEpochSecond() * 1_000_000L + instant.getNano() / 1_000;
    }
}
