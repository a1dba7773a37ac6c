package dev.postern.app.metrics;

import java.io.ByteArrayOutputStream;

import javax.inject.Inject;

import org.apache.james.webadmin.Routes;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.prometheus.metrics.expositionformats.ExpositionFormatWriter;
import io.prometheus.metrics.expositionformats.ExpositionFormats;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.prometheus.metrics.model.snapshots.MetricSnapshots;
import spark.Service;

/**
 * {@code GET /metrics} on WebAdmin: the server's {@link PrometheusRegistry} in the format the
 * scraper's {@code Accept} header asks for (OpenMetrics, or the classic text format by default),
 * written by the Prometheus client. Like every WebAdmin route it needs WebAdmin's token; the
 * credential-free scrape listener is {@link MetricsListener}.
 */
public final class MetricsRoutes implements Routes {
    public static final String PATH = "/metrics";
    private static final Logger LOGGER = LoggerFactory.getLogger(MetricsRoutes.class);

    private final PrometheusRegistry registry;
    private final ExpositionFormats formats = ExpositionFormats.init();

    @Inject
    public MetricsRoutes(PrometheusRegistry registry) {
        this.registry = registry;
    }

    @Override
    public String getBasePath() {
        return PATH;
    }

    @Override
    public void define(Service service) {
        service.get(PATH, (request, response) -> {
            MetricSnapshots snapshots;
            try {
                snapshots = registry.scrape();
            } catch (QueueCollector.QueueUnreadableException e) {
                // The scrape fails, so that Prometheus marks the target down; the answer says why.
                LOGGER.warn("GET {}: {}", PATH, e.getMessage(), e);
                response.status(500);
                response.type("text/plain; charset=utf-8");
                return e.getMessage() + "\n";
            }
            ExpositionFormatWriter writer = formats.findWriter(request.headers("Accept"));
            ByteArrayOutputStream body = new ByteArrayOutputStream();
            writer.write(body, snapshots);
            response.type(writer.getContentType());
            return body.toByteArray();
        });
    }
}
