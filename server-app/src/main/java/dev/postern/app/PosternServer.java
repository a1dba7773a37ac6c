package dev.postern.app;

import java.time.Duration;
import java.util.List;

import org.apache.james.GuiceJamesServer;
import org.apache.james.IsStartedProbe;
import org.apache.james.NaiveDelegationStoreModule;
import org.apache.james.modules.CommonServicesModule;
import org.apache.james.modules.IsStartedProbeModule;
import org.apache.james.modules.MailetProcessingModule;
import org.apache.james.modules.protocols.ProtocolHandlerModule;
import org.apache.james.modules.protocols.SMTPServerModule;
import org.apache.james.modules.server.DataRoutesModules;
import org.apache.james.modules.server.DefaultProcessorsConfigurationProviderModule;
import org.apache.james.modules.server.HealthCheckRoutesModule;
import org.apache.james.modules.server.MailQueueRoutesModule;
import org.apache.james.modules.server.MailRepositoriesRoutesModule;
import org.apache.james.modules.server.NoJwtModule;
import org.apache.james.modules.server.RawPostDequeueDecoratorModule;
import org.apache.james.modules.server.TaskManagerModule;
import org.apache.james.modules.server.WebAdminServerModule;
import org.apache.james.server.core.configuration.Configuration;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import com.google.inject.Module;
import com.google.inject.util.Modules;

import dev.postern.app.health.HealthModule;
import dev.postern.app.metrics.MetricsModule;
import dev.postern.app.modules.DeliveryStartProbe;
import dev.postern.app.modules.DrainProbe;
import dev.postern.app.modules.FileMailQueueModule;
import dev.postern.app.modules.MainCfModule;
import dev.postern.app.modules.PosternDataModule;
import dev.postern.app.modules.QueueControlModule;
import dev.postern.app.modules.WebAdminSecurityModule;
import dev.postern.config.MainCf;

/**
 * The Guice assembly of an SMTP-only MTA from individual James modules: SMTP listeners,
 * the mailet container, DNS, WebAdmin, and Postern's own durable storage under var/.
 * No mailbox, IMAP, POP3 or JMAP module is installed.
 */
public final class PosternServer {
    private static final Logger LOGGER = LoggerFactory.getLogger(PosternServer.class);
    private final GuiceJamesServer server;

    private PosternServer(GuiceJamesServer server) {
        this.server = server;
    }

    public static PosternServer assemble(PosternHome home, MainCf mainCf) {
        GuiceJamesServer server = GuiceJamesServer.forConfiguration(configuration(home))
            .combineWith(jamesModules())
            .combineWith(posternModules())
            .overrideWith(new MainCfModule(mainCf, home));
        return new PosternServer(server);
    }

    /**
     * The server's Guice modules as {@link #assemble} combines them, with {@code overrides} put over
     * them all, without starting anything: {@code postern check} loads the handler chains and the
     * mailet pipeline through the very loaders and bindings the server uses ({@link AssemblyCheck}).
     */
    static Module module(PosternHome home, MainCf mainCf, Module overrides) {
        Module james = Modules.combine(new IsStartedProbeModule(new IsStartedProbe()),
            new CommonServicesModule(configuration(home)));
        Module combined = Modules.combine(Modules.combine(james, Modules.combine(jamesModules())),
            Modules.combine(posternModules()));
        return Modules.override(Modules.override(combined).with(new MainCfModule(mainCf, home))).with(overrides);
    }

    static Configuration configuration(PosternHome home) {
        return new Configuration.Basic(new Configuration.ConfigurationPath("file://conf/"), new PosternDirectories(home));
    }

    private static List<Module> posternModules() {
        return List.of(new PosternDataModule(), new FileMailQueueModule(), new QueueControlModule(), new HealthModule(),
            new MetricsModule(), new WebAdminSecurityModule(), new dev.postern.app.postscreen.PostscreenModule());
    }

    private static List<Module> jamesModules() {
        return List.of(
            new MailetProcessingModule(),
            new NaiveDelegationStoreModule(),
            new RawPostDequeueDecoratorModule(),
            new DefaultProcessorsConfigurationProviderModule(),
            new TaskManagerModule(),
            new ProtocolHandlerModule(),
            new SMTPServerModule(),
            new WebAdminServerModule(),
            new NoJwtModule(),
            new DataRoutesModules(),
            new MailRepositoriesRoutesModule(),
            new MailQueueRoutesModule(),
            new HealthCheckRoutesModule());
    }

    /**
     * Starts every component, then delivery: the queues hand out mail only once the users repository,
     * the domain list and the tables are ready, so no queued mail is judged by a half-started server.
     */
    public void start() throws Exception {
        server.start();
        server.getProbe(DeliveryStartProbe.class).startDelivery();
    }

    /**
     * Stops as an MTA should: no new connections or transactions (421), the transactions
     * in progress get up to {@code drainTimeout} to finish, then everything stops.
     * Nothing is lost either way: a message not yet answered 250 is the client's to retry.
     */
    public void stop(Duration drainTimeout) {
        DrainProbe drain = server.getProbe(DrainProbe.class);
        try {
            int left = drain.drain(drainTimeout);
            if (left > 0) {
                LOGGER.warn("stopping with {} SMTP transaction(s) still in progress after {}", left, drainTimeout);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        drain.retireConfiguration();
        server.stop();
    }
}
