package dev.postern.app.postscreen;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

import javax.annotation.PreDestroy;

import org.apache.commons.configuration2.ex.ConfigurationException;

import dev.postern.app.PosternHome;
import dev.postern.app.modules.MainCfConfigurationProvider;
import dev.postern.app.modules.MainCfConfigurationProvider.PostscreenListener;
import dev.postern.config.ConfigException;
import dev.postern.dns.DnsLookup;
import dev.postern.log.MailLog;
import dev.postern.tables.TableRegistry;

/**
 * Starts a {@link PostscreenServer} in front of each listener that master.cf (or smtpserver.xml)
 * puts postscreen in front of, and stops them with the server.
 */
public final class PostscreenService implements org.apache.james.lifecycle.api.Startable {
    /** DNSBL queries block in dnsjava: a few threads run them, each list's query in parallel. */
    private static final int DNS_THREADS = 8;

    private final MainCfConfigurationProvider provider;
    private final TableRegistry tables;
    private final DnsLookup dns;
    private final MailLog log;
    private final PosternHome home;
    private final List<PostscreenServer> servers = new ArrayList<>();
    private ExecutorService dnsThreads;

    public PostscreenService(MainCfConfigurationProvider provider, TableRegistry tables, DnsLookup dns, MailLog log,
                             PosternHome home) {
        this.provider = provider;
        this.tables = tables;
        this.dns = dns;
        this.log = log;
        this.home = home;
    }

    public synchronized void start() throws ConfigurationException, ConfigException, IOException, InterruptedException {
        List<PostscreenListener> listeners = provider.postscreenListeners();
        if (listeners.isEmpty()) {
            return;
        }
        dnsThreads = Executors.newFixedThreadPool(DNS_THREADS, runnable -> {
            Thread thread = new Thread(runnable, "postscreen-dnsbl");
            thread.setDaemon(true);
            return thread;
        });
        Map<Path, PostscreenCache> caches = new HashMap<>();
        for (PostscreenListener listener : listeners) {
            PostscreenSettings settings = PostscreenSettings.from(listener.mainCf(), tables);
            Path file = PostscreenSettings.cacheFile(listener.mainCf(), home.home());
            PostscreenCache cache = caches.get(file);
            if (cache == null) {
                cache = PostscreenCache.open(file, listener.mainCf().duration("postscreen_cache_retention_time"),
                    Clock.systemUTC());
                caches.put(file, cache);
            }
            DnsblScorer scorer = new DnsblScorer(settings.dnsblSites(), dns, dnsThreads, settings.dnsblTimeout());
            servers.add(PostscreenServer.start(listener.name(),
                new InetSocketAddress(listener.address().host(), listener.address().port()),
                new InetSocketAddress("127.0.0.1", listener.smtpdPort()), settings, cache, scorer,
                log.withSyslogName(listener.mainCf().get("syslog_name")), Clock.systemUTC()));
        }
    }

    @PreDestroy
    public synchronized void stop() {
        servers.forEach(PostscreenServer::close);
        servers.clear();
        if (dnsThreads != null) {
            dnsThreads.shutdownNow();
        }
    }
}
