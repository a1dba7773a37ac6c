package dev.postern.app.metrics;

import java.time.Clock;
import java.util.Arrays;

import javax.inject.Inject;
import javax.inject.Singleton;

/**
 * The last hour of the mail flow, minute by minute, for the status page's charts: messages received
 * and SMTP commands rejected. Prometheus keeps the long history; this keeps just enough to draw
 * without one.
 */
@Singleton
public final class RecentActivity {
    public static final int MINUTES = 60;

    private final Clock clock;
    private final long[] received = new long[MINUTES];
    private final long[] rejects = new long[MINUTES];
    private long lastMinute;

    @Inject
    public RecentActivity(Clock clock) {
        this.clock = clock;
        this.lastMinute = minute();
    }

    public synchronized void received() {
        advance();
        received[(int) (lastMinute % MINUTES)]++;
    }

    public synchronized void rejected() {
        advance();
        rejects[(int) (lastMinute % MINUTES)]++;
    }

    /** Messages received in each of the last 60 minutes, the oldest first, the current minute last. */
    public synchronized long[] receivedPerMinute() {
        advance();
        return inOrder(received);
    }

    /** Rejected SMTP commands in each of the last 60 minutes, the oldest first. */
    public synchronized long[] rejectsPerMinute() {
        advance();
        return inOrder(rejects);
    }

    private long[] inOrder(long[] ring) {
        long[] ordered = new long[MINUTES];
        for (int i = 0; i < MINUTES; i++) {
            ordered[i] = ring[(int) ((lastMinute + 1 + i) % MINUTES)];
        }
        return ordered;
    }

    /** Clears the minutes that passed without a call, so that the ring holds only the last hour. */
    private void advance() {
        long now = minute();
        for (long m = lastMinute + 1; m <= now && m <= lastMinute + MINUTES; m++) {
            received[(int) (m % MINUTES)] = 0;
            rejects[(int) (m % MINUTES)] = 0;
        }
        if (now > lastMinute) {
            lastMinute = now;
        }
    }

    private long minute() {
        return clock.millis() / 60_000;
    }

    @Override
    public synchronized String toString() {
        return "RecentActivity[received=" + Arrays.stream(received).sum() + ", rejects=" + Arrays.stream(rejects).sum() + "]";
    }
}
