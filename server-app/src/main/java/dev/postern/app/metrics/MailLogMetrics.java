package dev.postern.app.metrics;

import java.util.List;

import javax.inject.Inject;
import javax.inject.Singleton;

import dev.postern.log.MailLogObserver;

/**
 * The counters of the mail flow, derived from the mail log's lines and nothing else: whatever
 * Postern logs it counts, so the figures and the log (and pflogsumm's report of it) agree.
 * One instance per server, watching the server's {@link dev.postern.log.MailLog}.
 */
@Singleton
public final class MailLogMetrics implements MailLogObserver {
    /** Seconds: from a near-instant local delivery to mail that waited an hour for its next hop. */
    static final double[] DELAY_BUCKETS = {0.1, 0.5, 1, 5, 30, 60, 300, 3600};

    private final CounterFamily connections = new CounterFamily("postern_smtpd_connections_total",
        "SMTP connections accepted by smtpd (connect from lines).");
    private final CounterFamily received = new CounterFamily("postern_messages_received_total",
        "Messages queued (qmgr from=<...>, size=N, nrcpt=N (queue active) lines), bounce notices included.");
    private final CounterFamily receivedBytes = new CounterFamily("postern_received_bytes_total",
        "Sum of the size= of the messages queued.");
    private final CounterFamily rejects = new CounterFamily("postern_smtpd_rejects_total",
        "SMTP commands refused by smtpd (reject: lines), by reply code and kind of restriction.", "code", "restriction");
    private final CounterFamily deliveries = new CounterFamily("postern_deliveries_total",
        "Delivery attempts per recipient (to=<...>, status= lines), by transport and status.", "transport", "status");
    private final HistogramFamily delay = new HistogramFamily("postern_delivery_delay_seconds",
        "The delay= of delivery lines: seconds from arrival to the end of the attempt, whatever its status.",
        DELAY_BUCKETS, "transport");
    private final CounterFamily bounces = new CounterFamily("postern_bounces_total",
        "Non-delivery notifications sent to senders (bounce sender non-delivery notification lines).");
    private final CounterFamily expired = new CounterFamily("postern_expired_total",
        "Messages returned to the sender after maximal_queue_lifetime (qmgr status=expired lines).");
    private final CounterFamily holds = new CounterFamily("postern_holds_total",
        "Messages set aside by a HOLD action of smtpd or cleanup (hold: lines).");
    private final CounterFamily discards = new CounterFamily("postern_discards_total",
        "Messages dropped by a DISCARD action of smtpd or cleanup (discard: lines).");

    private final CounterFamily postscreen = new CounterFamily("postern_postscreen_events_total",
        "postscreen's verdicts (CONNECT from, PASS NEW, PASS OLD, PREGREET, DNSBL rank, DENYLISTED, ALLOWLISTED, HANGUP,"
            + " DISCONNECT and the deep tests' failure lines), by event.", "event");

    @Inject
    public MailLogMetrics() {
    }

    @Override
    public void logged(String service, String text) {
        MailLogParser.parse(service, text).ifPresent(this::count);
    }

    void count(MailLogEvent event) {
        if (event instanceof MailLogEvent.Connection) {
            connections.increment();
        } else if (event instanceof MailLogEvent.Received r) {
            received.increment();
            receivedBytes.add(r.size());
        } else if (event instanceof MailLogEvent.Reject r) {
            rejects.increment(r.code(), r.restriction().label());
        } else if (event instanceof MailLogEvent.Delivery d) {
            deliveries.increment(d.transport(), d.status());
            delay.observe(d.delaySeconds(), d.transport());
        } else if (event instanceof MailLogEvent.Bounce) {
            bounces.increment();
        } else if (event instanceof MailLogEvent.Expired) {
            expired.increment();
        } else if (event instanceof MailLogEvent.Hold) {
            holds.increment();
        } else if (event instanceof MailLogEvent.Discard) {
            discards.increment();
        } else if (event instanceof MailLogEvent.Postscreen p) {
            postscreen.increment(p.event());
        }
    }

    /** The current values, in a fixed order. */
    public List<MetricFamily> snapshot() {
        return List.of(connections.snapshot(), received.snapshot(), receivedBytes.snapshot(), rejects.snapshot(),
            deliveries.snapshot(), delay.snapshot(), bounces.snapshot(), expired.snapshot(), holds.snapshot(),
            discards.snapshot(), postscreen.snapshot());
    }
}
