package dev.postern.app.modules;

import org.apache.commons.configuration2.ex.ConfigurationException;
import org.apache.james.filesystem.api.FileSystem;
import org.apache.james.server.core.configuration.Configuration;
import org.apache.james.server.core.configuration.ConfigurationProvider;
import org.apache.james.server.core.configuration.FileConfigurationProvider;
import org.apache.james.utils.GuiceProbe;
import org.apache.james.utils.PropertiesProvider;

import com.google.inject.AbstractModule;
import com.google.inject.Provides;
import com.google.inject.Singleton;
import com.google.inject.multibindings.Multibinder;

import dev.postern.app.PosternHome;
import dev.postern.app.metrics.MailLogMetrics;
import dev.postern.config.LiveConfiguration;
import dev.postern.config.MainCf;
import dev.postern.dns.DnsLookup;
import dev.postern.dns.DnsServer;
import dev.postern.dns.DnsjavaLookup;
import dev.postern.config.SmtpdListeners;
import dev.postern.log.MailLog;
import dev.postern.qmgr.VerifyService;
import dev.postern.verify.AddressVerifier;
import dev.postern.smtpd.sasl.SaslSocketDirectory;
import dev.postern.tables.TableRegistry;

/**
 * Makes the parsed main.cf and the home available to every component, and routes James's
 * configuration through main.cf. Installed as an override of James's common services,
 * which bind their own configuration providers.
 */
public class MainCfModule extends AbstractModule {
    private final MainCf mainCf;
    private final PosternHome home;

    public MainCfModule(MainCf mainCf, PosternHome home) {
        this.mainCf = mainCf;
        this.home = home;
    }

    @Override
    protected void configure() {
        bind(MainCf.class).toInstance(mainCf);
        bind(PosternHome.class).toInstance(home);
        // a relative smtpd_sasl_path (Dovecot's socket) is under var/, as Postfix's is under its queue directory
        bind(SaslSocketDirectory.class).toInstance(new SaslSocketDirectory(home.var()));
        Multibinder.newSetBinder(binder(), GuiceProbe.class).addBinding().to(DrainProbe.class);
        // listeners behind postscreen or a load balancer start their sessions from the PROXY header
        bind(org.apache.james.smtpserver.netty.SMTPServerFactory.class).to(PosternSmtpServerFactory.class);
        bind(PosternSmtpServerFactory.class).in(com.google.inject.Scopes.SINGLETON);
    }

    /**
     * The server's mail log, every line of which also goes to the metrics: counting what is
     * logged, in one place, keeps {@code /metrics} and the log in agreement.
     */
    @Provides
    @Singleton
    MailLog mailLog(MailLogMetrics metrics) {
        return MailLog.from(mainCf).withObserver(metrics);
    }

    /**
     * One registry for the server: a table named in several places is loaded once, and every
     * table file is re-read when it changes. Relative table paths resolve against the home.
     */
    @Provides
    @Singleton
    TableRegistry tableRegistry() {
        return new TableRegistry(home.home());
    }

    /**
     * Postern's verify(8): one cache for the server, asked by the SMTP server's reject_unverified_*
     * restrictions and filled by the queue manager's probes.
     */
    @Provides
    @Singleton
    VerifyService verifyService() throws java.io.IOException {
        try {
            return VerifyService.fromMainCf(mainCf, home.home(), java.time.Clock.systemUTC());
        } catch (IllegalArgumentException e) {
            throw new java.io.IOException(e.getMessage(), e);
        }
    }

    @Provides
    @Singleton
    AddressVerifier addressVerifier(VerifyService service) {
        return service;
    }

    /** One DNS for the server, so that every component shares one answer cache. */
    @Provides
    @Singleton
    DnsLookup dnsLookup() {
        return new DnsjavaLookup(DnsServer.parseList("postern_dns_servers", mainCf.get("postern_dns_servers")));
    }

    @Provides
    @Singleton
    MainCfConfigurationProvider mainCfConfigurationProvider(FileSystem fileSystem, Configuration configuration) {
        return new MainCfConfigurationProvider(new FileConfigurationProvider(fileSystem, configuration), mainCf, home);
    }

    @Provides
    @Singleton
    ConfigurationProvider configurationProvider(MainCfConfigurationProvider provider) {
        return provider;
    }

    /** Each SMTP listener's parameters, for the hooks that choose theirs per session. */
    @Provides
    @Singleton
    SmtpdListeners smtpdListeners(MainCfConfigurationProvider provider) throws ConfigurationException {
        return provider.listeners();
    }

    /** The configuration a reload replaces: main.cf and the listeners as started, generation 0. */
    @Provides
    @Singleton
    LiveConfiguration liveConfiguration(SmtpdListeners listeners) {
        return new LiveConfiguration(mainCf, listeners);
    }

    @Provides
    @Singleton
    PropertiesProvider propertiesProvider(FileSystem fileSystem, Configuration.ConfigurationPath path) {
        return new MainCfPropertiesProvider(fileSystem, path, mainCf);
    }
}
