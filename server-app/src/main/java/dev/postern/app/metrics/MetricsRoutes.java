package dev.postern.app.metrics;

import java.time.Clock;
import java.util.ArrayList;
import java.util.List;

import javax.inject.Inject;
import javax.mail.MessagingException;

import org.apache.james.webadmin.Routes;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.postern.app.control.QueueControl;
import dev.postern.app.control.QueueEntry;
import spark.Service;

/**
 * {@code GET /metrics} on WebAdmin: the mail log's counters and the queue gauges in the Prometheus
 * text format. WebAdmin is unauthenticated and listens on {@code postern_webadmin_listen}
 * (loopback unless the operator opts in), so whoever may scrape is whoever can reach it.
 */
public final class MetricsRoutes implements Routes {
    public static final String PATH = "/metrics";
    private static final Logger LOGGER = LoggerFactory.getLogger(MetricsRoutes.class);

    private final MailLogMetrics metrics;
    private final QueueControl queue;
    private final Clock clock;

    @Inject
    public MetricsRoutes(MailLogMetrics metrics, QueueControl queue, Clock clock) {
        this.metrics = metrics;
        this.queue = queue;
        this.clock = clock;
    }

    @Override
    public String getBasePath() {
        return PATH;
    }

    @Override
    public void define(Service service) {
        service.get(PATH, (request, response) -> {
            List<QueueEntry> entries;
            try {
                entries = queue.list();
            } catch (MessagingException | RuntimeException e) {
                // The scrape fails, so that Prometheus marks the target down rather than
                // showing stale queue sizes; the answer says what could not be read.
                LOGGER.warn("GET {}: cannot list the queue for the queue gauges", PATH, e);
                response.status(500);
                response.type("text/plain; charset=utf-8");
                return "cannot list the queue for the queue gauges: " + e.getMessage() + "\n";
            }
            List<MetricFamily> families = new ArrayList<>(metrics.snapshot());
            families.addAll(QueueGauges.of(entries, clock.instant()));
            response.type(PrometheusText.CONTENT_TYPE);
            return PrometheusText.write(families);
        });
    }
}
