package dev.postern.app.modules;

import org.apache.james.webadmin.Routes;

import com.google.inject.AbstractModule;
import com.google.inject.multibindings.Multibinder;

import dev.postern.app.control.QueueControlRoutes;
import dev.postern.app.control.ReloadRoutes;

/**
 * Postern's control routes on WebAdmin, which the {@code queue}, {@code flush}, {@code super} and
 * {@code reload} commands call.
 */
public class QueueControlModule extends AbstractModule {
    @Override
    protected void configure() {
        Multibinder<Routes> routes = Multibinder.newSetBinder(binder(), Routes.class);
        routes.addBinding().to(QueueControlRoutes.class);
        routes.addBinding().to(ReloadRoutes.class);
    }
}
