package dev.postern.app.metrics;

import javax.inject.Singleton;

import org.apache.james.webadmin.Routes;

import com.google.inject.AbstractModule;
import com.google.inject.Provides;
import com.google.inject.multibindings.Multibinder;

import dev.postern.app.status.StatusRoutes;
import io.prometheus.metrics.instrumentation.jvm.JvmMetrics;
import io.prometheus.metrics.model.registry.PrometheusRegistry;

/**
 * Prometheus metrics: one {@link PrometheusRegistry} per server holding the mail log's counters
 * ({@link MailLogMetrics}; MainCfModule makes the mail log report to it), the queue gauges and the
 * client's JVM metrics, served on WebAdmin ({@code GET /metrics}) and on {@code postern_metrics_listen};
 * and WebAdmin's status page ({@code GET /status}), drawn from the same queue listing and mail flow.
 */
public class MetricsModule extends AbstractModule {
    @Override
    protected void configure() {
        bind(MailLogMetrics.class).asEagerSingleton();
        bind(MetricsListener.class).asEagerSingleton();
        Multibinder<Routes> routes = Multibinder.newSetBinder(binder(), Routes.class);
        routes.addBinding().to(MetricsRoutes.class);
        routes.addBinding().to(StatusRoutes.class);
    }

    /** The server's own registry (not the client's static default one), so that each server counts alone. */
    @Provides
    @Singleton
    PrometheusRegistry registry(QueueCollector queue) {
        PrometheusRegistry registry = new PrometheusRegistry();
        JvmMetrics.builder().register(registry);
        registry.register(queue);
        return registry;
    }
}
