package dev.postern.app.metrics;

import javax.inject.Inject;
import javax.inject.Singleton;

import dev.postern.log.DeliveryOutcome;
import dev.postern.log.MailLogObserver;
import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.core.metrics.Histogram;
import io.prometheus.metrics.model.registry.PrometheusRegistry;

/**
 * The counters of the mail flow, counted as the mail log writes its lines (delivery lines from the
 * outcome their writer hands over with them, the others from their text): whatever Postern logs it counts, so the figures and the log (and pflogsumm's report of it) agree. One instance per
 * server, watching the server's {@link dev.postern.log.MailLog} and registering its counters in the
 * server's {@link PrometheusRegistry} (the client adds the {@code _total} of the counters' names), and
 * the status page's {@link RecentActivity}.
 */
@Singleton
public final class MailLogMetrics implements MailLogObserver {
    /** Seconds: from a near-instant local delivery to mail that waited an hour for its next hop. */
    static final double[] DELAY_BUCKETS = {0.1, 0.5, 1, 5, 30, 60, 300, 3600};

    private final Counter connections;
    private final Counter received;
    private final Counter receivedBytes;
    private final Counter rejects;
    private final Counter deliveries;
    private final Histogram delay;
    private final Counter bounces;
    private final Counter expired;
    private final Counter holds;
    private final Counter discards;
    private final Counter postscreen;
    private final RecentActivity recent;

    @Inject
    public MailLogMetrics(PrometheusRegistry registry, RecentActivity recent) {
        this.recent = recent;
        connections = counter(registry, "postern_smtpd_connections", "SMTP connections accepted by smtpd (connect from lines).");
        received = counter(registry, "postern_messages_received",
            "Messages queued (qmgr from=<...>, size=N, nrcpt=N (queue active) lines), bounce notices included.");
        receivedBytes = counter(registry, "postern_received_bytes", "Sum of the size= of the messages queued.");
        rejects = counter(registry, "postern_smtpd_rejects",
            "SMTP commands refused by smtpd (reject: lines), by reply code and kind of restriction.", "code", "restriction");
        deliveries = counter(registry, "postern_deliveries",
            "Delivery attempts per recipient (to=<...>, status= lines), by transport and status.", "transport", "status");
        delay = Histogram.builder().name("postern_delivery_delay_seconds")
            .help("The delay= of delivery lines: seconds from arrival to the end of the attempt, whatever its status.")
            .labelNames("transport").classicOnly().classicUpperBounds(DELAY_BUCKETS).register(registry);
        bounces = counter(registry, "postern_bounces",
            "Non-delivery notifications sent to senders (bounce sender non-delivery notification lines).");
        expired = counter(registry, "postern_expired",
            "Messages returned to the sender after maximal_queue_lifetime (qmgr status=expired lines).");
        holds = counter(registry, "postern_holds", "Messages set aside by a HOLD action of smtpd or cleanup (hold: lines).");
        discards = counter(registry, "postern_discards",
            "Messages dropped by a DISCARD action of smtpd or cleanup (discard: lines).");
        postscreen = counter(registry, "postern_postscreen_events",
            "postscreen's verdicts (CONNECT from, PASS NEW, PASS OLD, PREGREET, DNSBL rank, DENYLISTED, ALLOWLISTED, HANGUP,"
                + " DISCONNECT and the deep tests' failure lines), by event.", "event");
    }

    private static Counter counter(PrometheusRegistry registry, String name, String help, String... labels) {
        return Counter.builder().name(name).help(help).labelNames(labels).register(registry);
    }

    @Override
    public void logged(String service, String text) {
        MailLogParser.parse(service, text).ifPresent(this::count);
    }

    @Override
    public void delivered(String service, DeliveryOutcome outcome) {
        // The transport is the daemon, without a listener or syslog_name prefix.
        count(new MailLogEvent.Delivery(service.substring(service.lastIndexOf('/') + 1), outcome.status(), outcome.delaySeconds()));
    }

    void count(MailLogEvent event) {
        if (event instanceof MailLogEvent.Connection) {
            connections.inc();
        } else if (event instanceof MailLogEvent.Received r) {
            received.inc();
            recent.received();
            receivedBytes.inc(r.size());
        } else if (event instanceof MailLogEvent.Reject r) {
            rejects.labelValues(r.code(), r.restriction().label()).inc();
            recent.rejected();
        } else if (event instanceof MailLogEvent.Delivery d) {
            deliveries.labelValues(d.transport(), d.status()).inc();
            delay.labelValues(d.transport()).observe(d.delaySeconds());
        } else if (event instanceof MailLogEvent.Bounce) {
            bounces.inc();
        } else if (event instanceof MailLogEvent.Expired) {
            expired.inc();
        } else if (event instanceof MailLogEvent.Hold) {
            holds.inc();
        } else if (event instanceof MailLogEvent.Discard) {
            discards.inc();
        } else if (event instanceof MailLogEvent.Postscreen p) {
            postscreen.labelValues(p.event()).inc();
        }
    }
}
