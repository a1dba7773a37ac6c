package dev.postern.app.modules;

import java.io.IOException;

import org.apache.james.webadmin.Routes;

import com.google.inject.AbstractModule;
import com.google.inject.Provides;
import com.google.inject.Singleton;
import com.google.inject.multibindings.Multibinder;

import dev.postern.app.PosternHome;
import dev.postern.app.webadmin.WebAdminGuardRoutes;
import dev.postern.app.webadmin.WebAdminToken;

/**
 * WebAdmin's defences: the token made at first start under var/, and the guard in front of every
 * route (no Origin, own Host only, the token required).
 */
public class WebAdminSecurityModule extends AbstractModule {
    @Override
    protected void configure() {
        Multibinder.newSetBinder(binder(), Routes.class).addBinding().to(WebAdminGuardRoutes.class);
    }

    @Provides
    @Singleton
    WebAdminToken webAdminToken(PosternHome home) {
        try {
            return WebAdminToken.loadOrCreate(home.var());
        } catch (IOException e) {
            // No cause attached: the start reports the root cause's message, and this one names the file.
            throw new IllegalStateException("cannot make the WebAdmin token " + WebAdminToken.file(home.var())
                + ": " + e.getMessage());
        }
    }
}
