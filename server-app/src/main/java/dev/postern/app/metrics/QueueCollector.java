package dev.postern.app.metrics;

import java.time.Clock;
import java.util.List;

import javax.inject.Inject;
import javax.inject.Provider;
import javax.mail.MessagingException;

import dev.postern.app.control.QueueControl;
import dev.postern.app.control.QueueEntry;
import io.prometheus.metrics.model.registry.MultiCollector;
import io.prometheus.metrics.model.snapshots.MetricSnapshots;

/**
 * Lists the queue once per scrape for the {@link QueueGauges}. A queue that cannot be listed fails
 * the scrape ({@link QueueUnreadableException}) so that Prometheus marks the target down rather than
 * showing stale queue sizes. The queue control is looked up at the first scrape: it logs to the
 * mail log, whose counters live in the same registry as these gauges.
 */
public final class QueueCollector implements MultiCollector {
    private final Provider<QueueControl> queue;
    private final Clock clock;

    @Inject
    public QueueCollector(Provider<QueueControl> queue, Clock clock) {
        this.queue = queue;
        this.clock = clock;
    }

    @Override
    public MetricSnapshots collect() {
        List<QueueEntry> entries;
        try {
            entries = queue.get().list();
        } catch (MessagingException | RuntimeException e) {
            throw new QueueUnreadableException("cannot list the queue for the queue gauges: " + e.getMessage(), e);
        }
        return QueueGauges.of(entries, clock.instant());
    }

    /** The queue listing failed during a scrape. */
    public static final class QueueUnreadableException extends RuntimeException {
        QueueUnreadableException(String message, Throwable cause) {
            super(message, cause);
        }
    }
}
