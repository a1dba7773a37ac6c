package dev.postern.app.metrics;

import java.time.Clock;
import java.util.ArrayList;
import java.util.List;

import javax.inject.Inject;

import org.apache.james.webadmin.Routes;

import dev.postern.app.control.QueueControl;
import spark.Service;

/**
 * {@code GET /metrics} on WebAdmin: the mail log's counters and the queue gauges in the Prometheus
 * text format. WebAdmin is unauthenticated and listens on {@code postern_webadmin_listen}
 * (loopback unless the operator opts in), so whoever may scrape is whoever can reach it.
 */
public final class MetricsRoutes implements Routes {
    public static final String PATH = "/metrics";

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
            List<MetricFamily> families = new ArrayList<>(metrics.snapshot());
            // A queue that cannot be listed fails the scrape (an HTTP 500 WebAdmin reports), so
            // that Prometheus marks the target down rather than showing stale queue sizes.
            families.addAll(QueueGauges.of(queue.list(), clock.instant()));
            response.type(PrometheusText.CONTENT_TYPE);
            return PrometheusText.write(families);
        });
    }
}
