package dev.postern.app.metrics;

import org.apache.james.webadmin.Routes;

import com.google.inject.AbstractModule;
import com.google.inject.multibindings.Multibinder;

/**
 * Prometheus metrics on WebAdmin ({@code GET /metrics}). The server's mail log reports each line
 * to the one {@link MailLogMetrics} (see MainCfModule, which binds the mail log).
 */
public class MetricsModule extends AbstractModule {
    @Override
    protected void configure() {
        bind(MailLogMetrics.class).asEagerSingleton();
        Multibinder.newSetBinder(binder(), Routes.class).addBinding().to(MetricsRoutes.class);
    }
}
