package dev.postern.app.control;

import java.util.List;
import java.util.Map;

import javax.inject.Inject;

import org.apache.commons.configuration2.ex.ConfigurationException;

import dev.postern.app.PosternHome;
import dev.postern.app.modules.MainCfConfigurationProvider;
import dev.postern.config.ConfigException;
import dev.postern.config.ConfigWarnings;
import dev.postern.config.Generation;
import dev.postern.config.LiveConfiguration;
import dev.postern.config.MainCf;
import dev.postern.config.ReloadScope;
import dev.postern.config.SmtpdListeners;
import dev.postern.log.MailLog;

/**
 * Postfix's {@code postfix reload} for a running server: reads main.cf again with the server's
 * environment overrides, as at start, applies the listeners' smtpserver.xml overrides on top, and
 * makes it the current configuration once every reloadable component has built its state from
 * it. A main.cf the start would refuse is refused, and the running configuration stays.
 */
public final class Reloader {
    private static final String SERVICE = "reload";

    private final LiveConfiguration live;
    private final MainCfConfigurationProvider provider;
    private final PosternHome home;
    private final MailLog mailLog;
    private final Map<String, String> environment;

    @Inject
    public Reloader(LiveConfiguration live, MainCfConfigurationProvider provider, PosternHome home, MailLog mailLog) {
        this(live, provider, home, mailLog, System.getenv());
    }

    Reloader(LiveConfiguration live, MainCfConfigurationProvider provider, PosternHome home, MailLog mailLog,
             Map<String, String> environment) {
        this.live = live;
        this.provider = provider;
        this.home = home;
        this.mailLog = mailLog;
        this.environment = Map.copyOf(environment);
    }

    /**
     * @throws ConfigException naming the file and line, parameter, table or listener at fault;
     *                         it is also logged, and nothing changed
     */
    public synchronized ReloadOutcome reload() throws ConfigException {
        try {
            MainCf fresh = MainCf.load(home.mainCf(), environment);
            Generation running = live.current();
            SmtpdListeners listeners = provider.reloaded(fresh, running.listeners());
            List<String> changed = ReloadScope.changed(running.mainCf(), fresh);
            Generation now = live.reload(fresh, listeners);
            ReloadOutcome outcome = new ReloadOutcome(now.number(), changed, ReloadScope.needingRestart(changed));
            // Postfix logs a reload's warnings (an unused parameter, a skipped table rule) as it does a start's.
            ConfigWarnings.of(fresh).forEach(warning -> mailLog.log(SERVICE, "warning: " + warning));
            mailLog.log(SERVICE, outcome.summary());
            return outcome;
        } catch (ConfigException | ConfigurationException e) {
            mailLog.log(SERVICE, "warning: configuration not reloaded: " + e.getMessage()
                + "; the running configuration stays");
            throw e instanceof ConfigException config ? config : new ConfigException(e.getMessage(), e);
        }
    }
}
