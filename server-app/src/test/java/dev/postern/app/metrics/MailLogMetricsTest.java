package dev.postern.app.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

import dev.postern.log.DeliveryOutcome;
import dev.postern.log.MailEvent;
import dev.postern.log.MailLog;
import io.prometheus.metrics.expositionformats.ExpositionFormats;
import io.prometheus.metrics.model.registry.PrometheusRegistry;

/**
 * Events handed to a mail log that reports to the metrics, then the figures as the client's text
 * format shows them: each event moves its counter, and the lines' text moves nothing.
 */
class MailLogMetricsTest {
    private final PrometheusRegistry registry = new PrometheusRegistry();
    private final RecentActivity recent = new RecentActivity(Clock.systemUTC());
    private final MailLogMetrics metrics = new MailLogMetrics(registry, recent);
    private final List<String> lines = new ArrayList<>();
    private final MailLog log = new MailLog("postern", "mx.test", Clock.systemUTC(), lines::add).withObserver(metrics);

    @Test
    void unlabelledCountersReadZeroBeforeAnyMail() {
        assertThat(scrape()).contains("postern_smtpd_connections_total 0.0", "postern_messages_received_total 0.0",
            "postern_received_bytes_total 0.0", "postern_bounces_total 0.0", "postern_expired_total 0.0",
            "postern_holds_total 0.0", "postern_discards_total 0.0");
        assertThat(scrape()).as("a labelled family shows at its first sample")
            .noneMatch(line -> line.contains("postern_deliveries_total") || line.contains("postern_smtpd_rejects_total")
                || line.contains("postern_milter_decisions_total") || line.contains("postern_policy_decisions_total"));
    }

    @Test
    void eachEventMovesItsCounter() {
        log.log("smtpd", "connect from localhost[127.0.0.1]", new MailEvent.Connection());
        log.withSyslogName("postern/submission").log("smtpd", "connect from localhost[127.0.0.1]", new MailEvent.Connection());
        log.log("qmgr", "A1", "from=<a@b.example>, size=449, nrcpt=1 (queue active)", new MailEvent.Received(449, 1));
        log.log("qmgr", "A2", "from=<a@b.example>, size=1000, nrcpt=2 (queue active)", new MailEvent.Received(1000, 2));
        log.log("smtpd", "NOQUEUE: reject: RCPT from unknown[127.0.0.2]: 454 4.7.1 <x@remote.example>: Relay access denied; "
            + "from=<a@b.example> to=<x@remote.example> proto=ESMTP helo=<vm>", new MailEvent.Reject("454", "relay_denied"));
        log.log("smtpd", "NOQUEUE: reject: RCPT from unknown[127.0.0.2]: 554 5.7.1 Service unavailable; Client host [127.0.0.2] "
            + "blocked using dnsbl.test; from=<a@b.example> to=<y@remote.example> proto=ESMTP helo=<vm>",
            new MailEvent.Reject("554", "blocked"));
        log.logDelivery("smtp", "A1", "to=<r@remote.example>, relay=s[127.0.0.1]:25, delay=0.3, delays=0/0/0.1/0.2, dsn=2.0.0, status=sent (250 Ok)",
            new DeliveryOutcome("sent", Duration.ofMillis(300)));
        log.logDelivery("smtp", "A2", "to=<s@remote.example>, relay=s[127.0.0.1]:25, delay=45, delays=0/0/0.1/0.2, dsn=4.2.0, status=deferred (450 later)",
            new DeliveryOutcome("deferred", Duration.ofSeconds(45)));
        log.withSyslogName("postern/submission").logDelivery("local", "A2", "to=<bob@mx.test>, relay=local, delay=0.1, "
            + "delays=0/0/0/0.1, dsn=2.0.0, status=sent (delivered to maildir)", new DeliveryOutcome("sent", Duration.ofMillis(100)));
        log.log("bounce", "A3", "sender non-delivery notification: A4", new MailEvent.Bounce());
        log.log("qmgr", "A5", "from=<a@b.example>, status=expired, returned to sender", new MailEvent.Expired());
        log.log("smtpd", "NOQUEUE: hold: RCPT from localhost[127.0.0.1]: <h@mx.test>: Recipient address triggers HOLD action; "
            + "from=<a@b.example> to=<h@mx.test> proto=ESMTP helo=<vm>", new MailEvent.Hold());
        log.record("cleanup", new MailEvent.Hold());
        log.record("cleanup", new MailEvent.Discard());
        log.log("postscreen", "PASS NEW [127.0.0.1]:4711", new MailEvent.PostscreenVerdict("pass_new"));

        assertThat(scrape()).contains(
            "postern_smtpd_connections_total 2.0",
            "postern_messages_received_total 2.0",
            "postern_received_bytes_total 1449.0",
            "postern_smtpd_rejects_total{code=\"454\",restriction=\"relay_denied\"} 1.0",
            "postern_smtpd_rejects_total{code=\"554\",restriction=\"blocked\"} 1.0",
            "postern_deliveries_total{status=\"sent\",transport=\"local\"} 1.0",
            "postern_deliveries_total{status=\"deferred\",transport=\"smtp\"} 1.0",
            "postern_deliveries_total{status=\"sent\",transport=\"smtp\"} 1.0",
            "postern_bounces_total 1.0",
            "postern_expired_total 1.0",
            "postern_holds_total 2.0",
            "postern_discards_total 1.0",
            "postern_postscreen_events_total{event=\"pass_new\"} 1.0");
        assertThat(scrape()).containsSubsequence(
            "postern_delivery_delay_seconds_bucket{transport=\"smtp\",le=\"0.1\"} 0",
            "postern_delivery_delay_seconds_bucket{transport=\"smtp\",le=\"0.5\"} 1",
            "postern_delivery_delay_seconds_bucket{transport=\"smtp\",le=\"60.0\"} 2",
            "postern_delivery_delay_seconds_bucket{transport=\"smtp\",le=\"+Inf\"} 2",
            "postern_delivery_delay_seconds_count{transport=\"smtp\"} 2",
            "postern_delivery_delay_seconds_sum{transport=\"smtp\"} 45.3");
        assertThat(scrape()).as("a delay on a bound falls in that bucket (le)")
            .contains("postern_delivery_delay_seconds_bucket{transport=\"local\",le=\"0.1\"} 1");
        assertThat(recent.receivedPerMinute()[RecentActivity.MINUTES - 1]).as("the status page's last minute").isEqualTo(2);
        assertThat(recent.rejectsPerMinute()[RecentActivity.MINUTES - 1]).isEqualTo(2);
    }

    @Test
    void linesWithoutAnEventCountNothingWhateverTheySay() {
        log.log("smtpd", "connect from localhost[127.0.0.1]");
        log.log("qmgr", "A1", "from=<a@b.example>, size=449, nrcpt=1 (queue active)");
        log.log("smtpd", "NOQUEUE: reject: RCPT from unknown[127.0.0.2]: 454 4.7.1 <x@remote.example>: Relay access denied; "
            + "from=<a@b.example> to=<x@remote.example> proto=ESMTP helo=<vm>");
        log.log("bounce", "A3", "sender non-delivery notification: A4");

        assertThat(lines).hasSize(4);
        assertThat(scrape()).contains("postern_smtpd_connections_total 0.0", "postern_messages_received_total 0.0",
            "postern_bounces_total 0.0").noneMatch(line -> line.startsWith("postern_smtpd_rejects_total"));
    }

    @Test
    void queueWriteTimesByListenerAndTheDecisionsOfMiltersAndPolicyServices() {
        log.record("smtpd", new MailEvent.QueueWrite(Duration.ofMillis(2)));
        log.withSyslogName("postern/submission").record("smtpd", new MailEvent.QueueWrite(Duration.ofMillis(40)));
        log.record("smtpd", new MailEvent.MilterDecision("inet:127.0.0.1:8891", "reject"));
        log.record("cleanup", new MailEvent.MilterDecision("inet:127.0.0.1:8891", "accept"));
        log.record("cleanup", new MailEvent.MilterDecision("inet:127.0.0.1:8891", "accept"));
        log.record("smtpd", new MailEvent.PolicyDecision("inet:127.0.0.1:10023", "dunno"));
        log.record("smtpd", new MailEvent.PolicyDecision("inet:127.0.0.1:10023", "4xx"));

        assertThat(lines).as("Postfix logs no line for these").isEmpty();
        assertThat(scrape()).contains(
            "postern_smtpd_queue_write_seconds_bucket{listener=\"postern\",le=\"0.001\"} 0",
            "postern_smtpd_queue_write_seconds_bucket{listener=\"postern\",le=\"0.0025\"} 1",
            "postern_smtpd_queue_write_seconds_count{listener=\"postern\"} 1",
            "postern_smtpd_queue_write_seconds_bucket{listener=\"postern/submission\",le=\"0.025\"} 0",
            "postern_smtpd_queue_write_seconds_bucket{listener=\"postern/submission\",le=\"0.05\"} 1",
            "postern_milter_decisions_total{action=\"accept\",milter=\"inet:127.0.0.1:8891\"} 2.0",
            "postern_milter_decisions_total{action=\"reject\",milter=\"inet:127.0.0.1:8891\"} 1.0",
            "postern_policy_decisions_total{action=\"4xx\",service=\"inet:127.0.0.1:10023\"} 1.0",
            "postern_policy_decisions_total{action=\"dunno\",service=\"inet:127.0.0.1:10023\"} 1.0");
    }

    private List<String> scrape() {
        return ExpositionFormats.init().getPrometheusTextFormatWriter().toDebugString(registry.scrape()).lines().toList();
    }
}
