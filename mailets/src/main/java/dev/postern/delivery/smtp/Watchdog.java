package dev.postern.delivery.smtp;

import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * Runs an action when an operation takes too long: a blocking socket write has no timeout of
 * its own, and smtp_data_xfer_timeout must still end a transfer to a server that stopped
 * reading. One daemon thread per courier, started on first use.
 */
final class Watchdog implements AutoCloseable {
    private ScheduledExecutorService executor;

    /** Something armed; disarm it when the operation finished in time. */
    interface Alarm {
        void disarm();
    }

    synchronized Alarm arm(Duration timeout, Runnable action) {
        if (executor == null) {
            executor = Executors.newSingleThreadScheduledExecutor(r -> {
                Thread thread = new Thread(r, "smtp-client-watchdog");
                thread.setDaemon(true);
                return thread;
            });
        }
        ScheduledFuture<?> future = executor.schedule(action, Math.max(1, timeout.toMillis()), TimeUnit.MILLISECONDS);
        return () -> future.cancel(false);
    }

    @Override
    public synchronized void close() {
        if (executor != null) {
            executor.shutdownNow();
        }
    }
}
