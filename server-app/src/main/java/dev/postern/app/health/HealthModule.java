package dev.postern.app.health;

import org.apache.james.core.healthcheck.HealthCheck;

import com.google.inject.AbstractModule;
import com.google.inject.multibindings.Multibinder;

/**
 * Postern's checks behind James's {@code GET /healthcheck} WebAdmin route (installed by James's
 * HealthCheckRoutesModule), which {@code postern health} and the container's HEALTHCHECK call.
 */
public class HealthModule extends AbstractModule {
    @Override
    protected void configure() {
        Multibinder<HealthCheck> checks = Multibinder.newSetBinder(binder(), HealthCheck.class);
        checks.addBinding().to(QueueDirectoryHealthCheck.class);
        checks.addBinding().to(TableFilesHealthCheck.class);
    }
}
