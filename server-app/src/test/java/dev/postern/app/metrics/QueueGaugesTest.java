package dev.postern.app.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.List;
import java.util.stream.IntStream;

import org.junit.jupiter.api.Test;

import dev.postern.app.control.QueueEntry;
import io.prometheus.metrics.expositionformats.ExpositionFormats;

class QueueGaugesTest {
    private static final Instant NOW = Instant.parse("2026-11-28T22:00:00Z");
    private static final String REFUSED = "connect to mx.a.example[192.0.2.1]:25: Connection refused";
    private static final String REPLY = "host mx.b.example[192.0.2.2] said: 450 4.2.0 try later (in reply to RCPT TO command)";

    @Test
    void countsEachQueueItsBytesAndTheOldestMessagesAge() {
        List<QueueEntry> entries = List.of(
            entry(QueueEntry.ACTIVE, NOW.minusSeconds(5), 100, "c@d.example", null),
            entry(QueueEntry.DEFERRED, NOW.minusSeconds(700), 2000, "c@a.example", REFUSED),
            entry(QueueEntry.DEFERRED, NOW.minusSeconds(60), 3000, "c@b.example", REPLY),
            entry(QueueEntry.HOLD, NOW.minusSeconds(86400), 50, "c@d.example", null));

        assertThat(lines(entries)).contains(
            "postern_queue_messages{queue_name=\"active\"} 1.0",
            "postern_queue_messages{queue_name=\"deferred\"} 2.0",
            "postern_queue_messages{queue_name=\"hold\"} 1.0",
            "postern_queue_bytes{queue_name=\"active\"} 100.0",
            "postern_queue_bytes{queue_name=\"deferred\"} 5000.0",
            "postern_queue_bytes{queue_name=\"hold\"} 50.0",
            "postern_queue_oldest_message_age_seconds 86400.0",
            "postern_queue_oldest_deferred_age_seconds 700.0",
            "# TYPE postern_queue_messages gauge");
    }

    @Test
    void deferredMessagesPerDomainAndReasonOfTheirDelayedRecipients() {
        List<QueueEntry> entries = List.of(
            entry(QueueEntry.DEFERRED, NOW, 10, "x@A.example", REFUSED),
            entry(QueueEntry.DEFERRED, NOW, 10, "y@a.example", REFUSED),
            entry(QueueEntry.DEFERRED, NOW, 10, "z@b.example", REPLY),
            entry(QueueEntry.DEFERRED, NOW, 10, "t@c.example", "conversation with mx.c.example[192.0.2.3] timed out while receiving the initial server greeting"),
            entry(QueueEntry.DEFERRED, NOW, 10, "u@d.example", "Cannot start TLS: handshake failure with host mx.d.example[192.0.2.4]: timed out"),
            entry(QueueEntry.DEFERRED, NOW, 10, "v@e.example", "Host or domain name not found"),
            entry(QueueEntry.ACTIVE, NOW, 10, "w@f.example", null));

        assertThat(lines(entries)).contains(
            "postern_queue_deferred_domain_messages{domain=\"a.example\"} 2.0",
            "postern_queue_deferred_domain_messages{domain=\"b.example\"} 1.0",
            "postern_queue_deferred_reason_messages{reason=\"connection_refused\"} 2.0",
            "postern_queue_deferred_reason_messages{reason=\"reply_4xx\"} 1.0",
            "postern_queue_deferred_reason_messages{reason=\"timeout\"} 1.0",
            "postern_queue_deferred_reason_messages{reason=\"tls\"} 1.0",
            "postern_queue_deferred_reason_messages{reason=\"other\"} 1.0");
        assertThat(lines(entries)).noneMatch(line -> line.contains("f.example"));
    }

    @Test
    void domainsBeyondTheTopAreSummedSoTheLabelSetStaysBounded() {
        List<QueueEntry> entries = IntStream.range(0, QueueGauges.TOP_DOMAINS + 5)
            .mapToObj(i -> entry(QueueEntry.DEFERRED, NOW, 10, "r@d" + i + ".example", REFUSED)).toList();
        List<QueueEntry> withBig = new java.util.ArrayList<>(entries);
        withBig.add(entry(QueueEntry.DEFERRED, NOW, 10, "s@d14.example", REFUSED));

        List<String> domainLines = lines(withBig).stream().filter(line -> line.startsWith("postern_queue_deferred_domain_messages{")).toList();
        assertThat(domainLines).hasSize(QueueGauges.TOP_DOMAINS + 1)
            .contains("postern_queue_deferred_domain_messages{domain=\"d14.example\"} 2.0",
                "postern_queue_deferred_domain_messages{domain=\"other\"} 5.0");
    }

    @Test
    void anEmptyQueueShowsZeros() {
        assertThat(lines(List.of()))
            .contains("postern_queue_messages{queue_name=\"active\"} 0.0", "postern_queue_messages{queue_name=\"deferred\"} 0.0",
                "postern_queue_messages{queue_name=\"hold\"} 0.0", "postern_queue_oldest_message_age_seconds 0.0",
                "postern_queue_deferred_reason_messages{reason=\"timeout\"} 0.0")
            .noneMatch(line -> line.startsWith("postern_queue_deferred_domain_messages{"));
    }

    private static List<String> lines(List<QueueEntry> entries) {
        return ExpositionFormats.init().getPrometheusTextFormatWriter().toDebugString(QueueGauges.of(entries, NOW)).lines().toList();
    }

    private static QueueEntry entry(String queue, Instant arrival, long size, String recipient, String reason) {
        return new QueueEntry(queue, "ABC", arrival.getEpochSecond(), size, "a@b.example",
            List.of(new QueueEntry.Recipient(recipient, reason)));
    }
}
