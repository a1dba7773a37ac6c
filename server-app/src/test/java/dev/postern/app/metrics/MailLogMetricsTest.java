package dev.postern.app.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.Test;

import dev.postern.log.DeliveryOutcome;
import dev.postern.log.MailLog;
import io.prometheus.metrics.expositionformats.ExpositionFormats;
import io.prometheus.metrics.model.registry.PrometheusRegistry;

/** Lines written to a mail log that reports to the metrics, then the figures as the client's text format shows them. */
class MailLogMetricsTest {
    private final PrometheusRegistry registry = new PrometheusRegistry();
    private final MailLogMetrics metrics = new MailLogMetrics(registry, new RecentActivity(Clock.systemUTC()));
    private final MailLog log = new MailLog("postern", "mx.test", Clock.systemUTC(), line -> { }).withObserver(metrics);

    @Test
    void unlabelledCountersReadZeroBeforeAnyMail() {
        assertThat(lines()).contains("postern_smtpd_connections_total 0.0", "postern_messages_received_total 0.0",
            "postern_received_bytes_total 0.0", "postern_bounces_total 0.0", "postern_expired_total 0.0",
            "postern_holds_total 0.0", "postern_discards_total 0.0");
        assertThat(lines()).as("a labelled family shows at its first sample")
            .noneMatch(line -> line.contains("postern_deliveries_total") || line.contains("postern_smtpd_rejects_total"));
    }

    @Test
    void countsTheMailFlowOfTheLog() {
        log.log("smtpd", "connect from localhost[127.0.0.1]");
        log.withSyslogName("postern/submission").log("smtpd", "connect from localhost[127.0.0.1]");
        log.log("qmgr", "A1", "from=<a@b.example>, size=449, nrcpt=1 (queue active)");
        log.log("qmgr", "A2", "from=<a@b.example>, size=1000, nrcpt=2 (queue active)");
        log.log("smtpd", "NOQUEUE: reject: RCPT from unknown[127.0.0.2]: 454 4.7.1 <x@remote.example>: Relay access denied; "
            + "from=<a@b.example> to=<x@remote.example> proto=ESMTP helo=<vm>");
        log.log("smtpd", "NOQUEUE: reject: RCPT from unknown[127.0.0.2]: 454 4.7.1 <y@remote.example>: Relay access denied; "
            + "from=<a@b.example> to=<y@remote.example> proto=ESMTP helo=<vm>");
        log.logDelivery("smtp", "A1", "to=<r@remote.example>, relay=s[127.0.0.1]:25, delay=0.3, delays=0/0/0.1/0.2, dsn=2.0.0, status=sent (250 Ok)",
            new DeliveryOutcome("sent", Duration.ofMillis(300)));
        log.logDelivery("smtp", "A2", "to=<s@remote.example>, relay=s[127.0.0.1]:25, delay=45, delays=0/0/0.1/0.2, dsn=4.2.0, status=deferred (450 later)",
            new DeliveryOutcome("deferred", Duration.ofSeconds(45)));
        log.withSyslogName("postern/submission").logDelivery("local", "A2", "to=<bob@mx.test>, relay=local, delay=0.1, delays=0/0/0/0.1, dsn=2.0.0, status=sent (delivered to maildir)",
            new DeliveryOutcome("sent", Duration.ofMillis(100)));
        // A delivery line written as plain text is not read back: deliveries come with their outcome.
        log.log("smtp", "A3", "to=<t@remote.example>, relay=s[127.0.0.1]:25, delay=1, delays=0/0/0.1/0.9, dsn=2.0.0, status=sent (250 Ok)");
        log.log("bounce", "A3", "sender non-delivery notification: A4");
        log.log("qmgr", "A5", "from=<a@b.example>, status=expired, returned to sender");

        assertThat(lines()).contains(
            "postern_smtpd_connections_total 2.0",
            "postern_messages_received_total 2.0",
            "postern_received_bytes_total 1449.0",
            "postern_smtpd_rejects_total{code=\"454\",restriction=\"relay_denied\"} 2.0",
            "postern_deliveries_total{status=\"sent\",transport=\"local\"} 1.0",
            "postern_deliveries_total{status=\"deferred\",transport=\"smtp\"} 1.0",
            "postern_deliveries_total{status=\"sent\",transport=\"smtp\"} 1.0",
            "postern_bounces_total 1.0",
            "postern_expired_total 1.0");
        assertThat(lines()).containsSubsequence(
            "postern_delivery_delay_seconds_bucket{transport=\"smtp\",le=\"0.1\"} 0",
            "postern_delivery_delay_seconds_bucket{transport=\"smtp\",le=\"0.5\"} 1",
            "postern_delivery_delay_seconds_bucket{transport=\"smtp\",le=\"1.0\"} 1",
            "postern_delivery_delay_seconds_bucket{transport=\"smtp\",le=\"5.0\"} 1",
            "postern_delivery_delay_seconds_bucket{transport=\"smtp\",le=\"30.0\"} 1",
            "postern_delivery_delay_seconds_bucket{transport=\"smtp\",le=\"60.0\"} 2",
            "postern_delivery_delay_seconds_bucket{transport=\"smtp\",le=\"300.0\"} 2",
            "postern_delivery_delay_seconds_bucket{transport=\"smtp\",le=\"3600.0\"} 2",
            "postern_delivery_delay_seconds_bucket{transport=\"smtp\",le=\"+Inf\"} 2",
            "postern_delivery_delay_seconds_count{transport=\"smtp\"} 2",
            "postern_delivery_delay_seconds_sum{transport=\"smtp\"} 45.3");
        assertThat(lines()).as("a delay on a bound falls in that bucket (le)")
            .contains("postern_delivery_delay_seconds_bucket{transport=\"local\",le=\"0.1\"} 1");
    }

    @Test
    void holdsAndDiscardsOfSmtpdAndCleanup() {
        log.log("smtpd", "NOQUEUE: hold: RCPT from localhost[127.0.0.1]: <h@mx.test>: Recipient address triggers HOLD action; "
            + "from=<a@b.example> to=<h@mx.test> proto=ESMTP helo=<vm>");
        log.log("cleanup", "B1", "hold: header Subject: review from localhost[127.0.0.1]; from=<a@b.example> to=<c@d.example> "
            + "proto=ESMTP helo=<vm>: needs review");
        log.log("cleanup", "B2", "discard: body spam from localhost[127.0.0.1]; from=<a@b.example> to=<c@d.example> "
            + "proto=ESMTP helo=<vm>: dropped");

        assertThat(lines()).contains("postern_holds_total 2.0", "postern_discards_total 1.0");
    }

    private List<String> lines() {
        return ExpositionFormats.init().getPrometheusTextFormatWriter().toDebugString(registry.scrape()).lines().toList();
    }
}
