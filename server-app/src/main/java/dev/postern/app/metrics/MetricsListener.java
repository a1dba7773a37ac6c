package dev.postern.app.metrics;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Optional;

import javax.annotation.PreDestroy;
import javax.inject.Inject;
import javax.inject.Singleton;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.postern.config.ListenAddress;
import dev.postern.config.MainCf;
import io.prometheus.metrics.exporter.httpserver.HTTPServer;
import io.prometheus.metrics.model.registry.PrometheusRegistry;

/**
 * The scrape listener of {@code postern_metrics_listen}: the Prometheus client's own HTTP server,
 * answering {@code GET /metrics} (and {@code /-/healthy}) without a credential, for a Prometheus
 * that should not hold WebAdmin's token. Off unless the parameter names an address; whoever can
 * reach that address can read the figures (and nothing else).
 */
@Singleton
public final class MetricsListener {
    public static final String PARAMETER = "postern_metrics_listen";
    private static final Logger LOGGER = LoggerFactory.getLogger(MetricsListener.class);

    private final Optional<HTTPServer> server;

    @Inject
    public MetricsListener(MainCf mainCf, PrometheusRegistry registry) {
        this.server = ListenAddress.parse(PARAMETER, mainCf.get(PARAMETER)).map(address -> start(address, registry));
    }

    private static HTTPServer start(ListenAddress address, PrometheusRegistry registry) {
        try {
            HTTPServer server = HTTPServer.builder().hostname(address.host()).port(address.port()).registry(registry)
                .buildAndStart();
            LOGGER.info("{}: serving /metrics on {}", PARAMETER, address);
            return server;
        } catch (IOException e) {
            throw new UncheckedIOException(PARAMETER + " = " + address + ": cannot listen: " + e.getMessage(), e);
        }
    }

    @PreDestroy
    public void stop() {
        server.ifPresent(HTTPServer::close);
    }
}
