package dev.postern.app.metrics;

import java.time.Instant;
import java.util.List;

import dev.postern.app.control.QueueEntry;

/**
 * The queue as gauges at scrape time, from the same listing as {@code postern queue}: messages per
 * {@code queue_name} (active, deferred, hold; 0 when none) and the age of the oldest message.
 */
public final class QueueGauges {
    private static final List<String> QUEUE_NAMES = List.of(QueueEntry.ACTIVE, QueueEntry.DEFERRED, QueueEntry.HOLD);

    private QueueGauges() {
    }

    public static List<MetricFamily> of(List<QueueEntry> entries, Instant now) {
        List<MetricFamily.Sample> sizes = QUEUE_NAMES.stream()
            .map(queue -> new MetricFamily.Sample("postern_queue_messages",
                List.of(new MetricFamily.Label("queue_name", queue)),
                entries.stream().filter(entry -> entry.queueName().equals(queue)).count()))
            .toList();
        // Held mail counts too: it is still the operator's to deliver or delete.
        long oldestAge = entries.stream().mapToLong(QueueEntry::arrivalTime).min()
            .stream().map(arrival -> Math.max(0, now.getEpochSecond() - arrival)).findFirst().orElse(0);
        return List.of(
            new MetricFamily("postern_queue_messages", "Messages in the queue now, by queue_name as postern queue -j shows it.",
                MetricFamily.Type.GAUGE, sizes),
            new MetricFamily("postern_queue_oldest_message_age_seconds",
                "Seconds since the oldest queued or held message arrived; 0 when the queue is empty.",
                MetricFamily.Type.GAUGE, List.of(new MetricFamily.Sample("postern_queue_oldest_message_age_seconds", List.of(), oldestAge))));
    }
}
