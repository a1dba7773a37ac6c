package dev.postern.app.metrics;

import javax.inject.Inject;
import javax.inject.Singleton;

import dev.postern.log.DeliveryOutcome;
import dev.postern.log.MailEvent;
import dev.postern.log.MailLogObserver;
import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.core.metrics.Histogram;
import io.prometheus.metrics.model.registry.PrometheusRegistry;

/**
 * The counters of the mail flow, counted from the {@link MailEvent}s the mail log is handed with its
 * lines (and the few events Postfix logs no line for: queue write times, milter and policy decisions):
 * whatever Postern logs it counts, so the figures and the log (and pflogsumm's report of it) agree,
 * and no line is read back. One instance per server, watching the server's {@link dev.postern.log.MailLog}
 * and registering its metrics in the server's {@link PrometheusRegistry} (the client adds the
 * {@code _total} of the counters' names), and the status page's {@link RecentActivity}.
 */
@Singleton
public final class MailLogMetrics implements MailLogObserver {
    /** Seconds: from a near-instant local delivery to mail that waited an hour for its next hop. */
    static final double[] DELAY_BUCKETS = {0.1, 0.5, 1, 5, 30, 60, 300, 3600};
    /** Seconds: a queue write on a quiet disk takes a millisecond or so; a second is a disk in trouble. */
    static final double[] QUEUE_WRITE_BUCKETS = {0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 5};

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
    private final Histogram queueWrite;
    private final Counter milterDecisions;
    private final Counter policyDecisions;
    private final RecentActivity recent;

    @Inject
    public MailLogMetrics(PrometheusRegistry registry, RecentActivity recent) {
        this.recent = recent;
        connections = counter(registry, "postern_smtpd_connections", "SMTP connections accepted by smtpd (connect from lines).");
        received = counter(registry, "postern_messages_received",
            "Messages queued (qmgr from=<...>, size=N, nrcpt=N (queue active) lines), bounce notices included.");
        receivedBytes = counter(registry, "postern_received_bytes", "Sum of the size= of the messages queued.");
        rejects = counter(registry, "postern_smtpd_rejects",
            "SMTP commands refused by smtpd (reject: lines), by reply code and the kind of restriction that decided.",
            "code", "restriction");
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
        queueWrite = Histogram.builder().name("postern_smtpd_queue_write_seconds")
            .help("From the end of a message's DATA to smtpd's 250 reply: the time the queue took to have it on disk,"
                + " by listener (its syslog_name).")
            .labelNames("listener").classicOnly().classicUpperBounds(QUEUE_WRITE_BUCKETS).register(registry);
        milterDecisions = counter(registry, "postern_milter_decisions",
            "Final words of milters (smtpd_milters and non_smtpd_milters) on a connection, a command or a message,"
                + " by milter and action (a failed filter's default action counts once, as its action).", "milter", "action");
        policyDecisions = counter(registry, "postern_policy_decisions",
            "Answers of check_policy_service servers (their default action when they gave none), by service and action.",
            "service", "action");
    }

    private static Counter counter(PrometheusRegistry registry, String name, String help, String... labels) {
        return Counter.builder().name(name).help(help).labelNames(labels).register(registry);
    }

    @Override
    public void observed(String syslogName, String service, MailEvent event) {
        if (event instanceof MailEvent.Connection) {
            connections.inc();
        } else if (event instanceof MailEvent.Received r) {
            received.inc();
            recent.received();
            receivedBytes.inc(r.size());
        } else if (event instanceof MailEvent.Reject r) {
            rejects.labelValues(r.code(), r.restriction()).inc();
            recent.rejected();
        } else if (event instanceof DeliveryOutcome d) {
            // The transport is the daemon, without a listener prefix.
            String transport = service.substring(service.lastIndexOf('/') + 1);
            deliveries.labelValues(transport, d.status()).inc();
            delay.labelValues(transport).observe(d.delaySeconds());
        } else if (event instanceof MailEvent.Bounce) {
            bounces.inc();
        } else if (event instanceof MailEvent.Expired) {
            expired.inc();
        } else if (event instanceof MailEvent.Hold) {
            holds.inc();
        } else if (event instanceof MailEvent.Discard) {
            discards.inc();
        } else if (event instanceof MailEvent.PostscreenVerdict p) {
            postscreen.labelValues(p.verdict()).inc();
        } else if (event instanceof MailEvent.QueueWrite w) {
            queueWrite.labelValues(syslogName).observe(w.seconds());
        } else if (event instanceof MailEvent.MilterDecision m) {
            milterDecisions.labelValues(m.milter(), m.action()).inc();
        } else if (event instanceof MailEvent.PolicyDecision p) {
            policyDecisions.labelValues(p.service(), p.action()).inc();
        }
    }
}
