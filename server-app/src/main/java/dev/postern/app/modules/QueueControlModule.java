package dev.postern.app.modules;

import org.apache.james.webadmin.Routes;

import com.google.inject.AbstractModule;
import com.google.inject.multibindings.Multibinder;

import dev.postern.app.control.QueueControlRoutes;

/** Postern's queue-control routes on WebAdmin, which the {@code queue}, {@code flush} and {@code super} commands call. */
public class QueueControlModule extends AbstractModule {
    @Override
    protected void configure() {
        Multibinder.newSetBinder(binder(), Routes.class).addBinding().to(QueueControlRoutes.class);
    }
}
