package dev.postern.app.harness;

import java.time.Duration;
import java.util.function.BooleanSupplier;
import java.util.function.Predicate;
import java.util.function.Supplier;

/** Polling with a deadline: the way tests wait for something to happen without sleeping blindly. */
public final class Await {

    public static final Duration DEFAULT_INTERVAL = Duration.ofMillis(100);

    private Await() {
    }

    /** Polls {@code condition} until it holds; throws {@link AssertionError} with {@code what} on timeout. */
    public static void until(String what, Duration timeout, BooleanSupplier condition) {
        until(what, timeout, DEFAULT_INTERVAL, condition);
    }

    public static void until(String what, Duration timeout, Duration interval, BooleanSupplier condition) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            if (condition.getAsBoolean()) {
                return;
            }
            if (System.nanoTime() - deadline >= 0) {
                throw new AssertionError("timed out after " + timeout + " waiting for " + what);
            }
            sleep(interval);
        }
    }

    /**
     * Polls {@code supplier} until its value satisfies {@code done} and returns that value; on timeout
     * throws {@link AssertionError} naming the last value seen.
     */
    public static <T> T value(String what, Duration timeout, Supplier<T> supplier, Predicate<T> done) {
        long deadline = System.nanoTime() + timeout.toNanos();
        T last;
        while (true) {
            last = supplier.get();
            if (done.test(last)) {
                return last;
            }
            if (System.nanoTime() - deadline >= 0) {
                throw new AssertionError("timed out after " + timeout + " waiting for " + what + "; last value: " + last);
            }
            sleep(DEFAULT_INTERVAL);
        }
    }

    /**
     * Checks that {@code condition} stays true for the whole {@code period}; used to show that something
     * does NOT happen (e.g. no mail reaches the sink), after a positive barrier has been awaited.
     */
    public static void holdsFor(String what, Duration period, BooleanSupplier condition) {
        long end = System.nanoTime() + period.toNanos();
        while (true) {
            if (!condition.getAsBoolean()) {
                throw new AssertionError("condition broken within " + period + ": " + what);
            }
            if (System.nanoTime() - end >= 0) {
                return;
            }
            sleep(DEFAULT_INTERVAL);
        }
    }

    static void sleep(Duration duration) {
        try {
            Thread.sleep(duration.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted", e);
        }
    }
}
