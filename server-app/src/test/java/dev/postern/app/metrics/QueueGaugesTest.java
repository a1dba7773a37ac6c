package dev.postern.app.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.List;

import org.junit.jupiter.api.Test;

import dev.postern.app.control.QueueEntry;

class QueueGaugesTest {
    private static final Instant NOW = Instant.parse("2026-11-28T22:00:00Z");

    @Test
    void countsEachQueueAndTheOldestMessagesAge() {
        List<QueueEntry> entries = List.of(
            entry(QueueEntry.ACTIVE, NOW.minusSeconds(5)),
            entry(QueueEntry.DEFERRED, NOW.minusSeconds(700)),
            entry(QueueEntry.DEFERRED, NOW.minusSeconds(60)),
            entry(QueueEntry.HOLD, NOW.minusSeconds(86400)));

        assertThat(PrometheusText.write(QueueGauges.of(entries, NOW))).isEqualTo("""
            # HELP postern_queue_messages Messages in the queue now, by queue_name as postern queue -j shows it.
            # TYPE postern_queue_messages gauge
            postern_queue_messages{queue_name="active"} 1
            postern_queue_messages{queue_name="deferred"} 2
            postern_queue_messages{queue_name="hold"} 1
            # HELP postern_queue_oldest_message_age_seconds Seconds since the oldest queued or held message arrived; 0 when the queue is empty.
            # TYPE postern_queue_oldest_message_age_seconds gauge
            postern_queue_oldest_message_age_seconds 86400
            """);
    }

    @Test
    void anEmptyQueueShowsZeros() {
        assertThat(PrometheusText.write(QueueGauges.of(List.of(), NOW)).lines())
            .contains("postern_queue_messages{queue_name=\"active\"} 0", "postern_queue_messages{queue_name=\"deferred\"} 0",
                "postern_queue_messages{queue_name=\"hold\"} 0", "postern_queue_oldest_message_age_seconds 0");
    }

    private static QueueEntry entry(String queue, Instant arrival) {
        return new QueueEntry(queue, "ABC", arrival.getEpochSecond(), 100, "a@b.example",
            List.of(new QueueEntry.Recipient("c@d.example", null)));
    }
}
