package dev.postern;

import java.util.Optional;
import java.util.function.Function;

import javax.inject.Inject;

import dev.postern.config.ComponentParameters;
import dev.postern.config.ConfigException;
import dev.postern.config.Generation;
import dev.postern.config.LiveConfiguration;
import dev.postern.config.MainCf;
import dev.postern.config.Reloadable;
import dev.postern.config.SmtpdListeners;
import dev.postern.dns.ClientHostnameResolver;
import dev.postern.dns.DnsLookup;
import dev.postern.dns.DnsServer;
import dev.postern.dns.DnsjavaLookup;
import dev.postern.dns.HostsFile;
import dev.postern.log.MailLog;
import dev.postern.tables.LookupTable;
import dev.postern.tables.TableRegistry;

/**
 * What every Postern mailet, matcher and SMTP hook needs from its surroundings: main.cf, the
 * mail log, the lookup table registry and DNS. Postern's assembly binds them and Guice sets
 * them here; in a stock James server none is bound (the optional setters are skipped),
 * main.cf is read from the component's {@code mainCf} parameter, and the others are made
 * from it.
 */
public class PosternEnvironment {
    private MainCf mainCf;
    private MailLog mailLog;
    private TableRegistry tables;
    private DnsLookup serverDns;
    private DnsLookup ownDns;
    private String ownDnsServers;
    private LiveConfiguration live;
    /** Generation 0 where nothing reloads, made once so that every caller sees the same one. */
    private Generation fixed;

    @Inject
    public PosternEnvironment() {
    }

    /** For tests and for code that builds components by hand. */
    public PosternEnvironment(MainCf mainCf, MailLog mailLog) {
        this.mainCf = mainCf;
        this.mailLog = mailLog;
    }

    @com.google.inject.Inject(optional = true)
    public void setMainCf(MainCf mainCf) {
        this.mainCf = mainCf;
    }

    /**
     * The server's reloadable configuration; without it (a stock James server, unit tests) the
     * configuration is the one main.cf given at start, generation 0, forever.
     */
    @com.google.inject.Inject(optional = true)
    public void setLive(LiveConfiguration live) {
        this.live = live;
    }

    /** The current generation of the configuration. */
    public Generation generation() {
        if (live != null) {
            return live.current();
        }
        synchronized (this) {
            if (fixed == null || fixed.mainCf() != mainCf || fixed.listeners() != startListeners()) {
                fixed = new Generation(0, mainCf, startListeners());
            }
            return fixed;
        }
    }

    /** The SMTP listeners of the configuration at start; none for components that are not SMTP hooks. */
    protected SmtpdListeners startListeners() {
        return SmtpdListeners.none();
    }

    /**
     * Asks for {@code component} to prepare for every reload (see {@link LiveConfiguration}); does
     * nothing where nothing reloads.
     */
    public void registerReloadable(Reloadable component) {
        if (live != null) {
            live.register(component);
        }
    }

    /** Whether a reload can replace the configuration this environment gives. */
    public boolean reloads() {
        return live != null;
    }

    @com.google.inject.Inject(optional = true)
    public void setMailLog(MailLog mailLog) {
        this.mailLog = mailLog;
    }

    @com.google.inject.Inject(optional = true)
    public void setTables(TableRegistry tables) {
        this.tables = tables;
    }

    /** The server's DNS, asking main.cf's {@code postern_dns_servers} (one answer cache for all components). */
    @com.google.inject.Inject(optional = true)
    public synchronized void setDns(DnsLookup dns) {
        this.serverDns = dns;
    }

    /**
     * The DNS for these parameters' {@code postern_dns_servers}: the server's when the value is
     * main.cf's, else one of this component's own (a listener may name other servers).
     *
     * @throws IllegalArgumentException naming {@code postern_dns_servers} for a bad value
     */
    public synchronized DnsLookup dns(ComponentParameters parameters) {
        String servers = parameters.get("postern_dns_servers");
        if (serverDns != null && mainCf != null && servers.equals(mainCf.get("postern_dns_servers"))) {
            return serverDns;
        }
        if (ownDns == null || !servers.equals(ownDnsServers)) {
            ownDns = new DnsjavaLookup(DnsServer.parseList("postern_dns_servers", servers));
            ownDnsServers = servers;
        }
        return ownDns;
    }

    /** Finds client names with this DNS and the system's hosts file, as Postfix's smtpd does. */
    public ClientHostnameResolver clientHostnames(ComponentParameters parameters) {
        return new ClientHostnameResolver(dns(parameters), HostsFile.read(HostsFile.SYSTEM));
    }

    /**
     * Whether the assembly bound main.cf; when not (a stock James server), each component
     * names the file itself.
     */
    public boolean hasMainCf() {
        return mainCf != null;
    }

    /**
     * @param overrides the component's own configuration by parameter name (an init parameter,
     *                  an XML element), which wins over main.cf for that one instance
     * @param component names the component in errors
     */
    public ComponentParameters parameters(Function<String, Optional<String>> overrides, String component)
            throws ConfigException {
        return parameters(generation(), overrides, component);
    }

    /** The same for one generation of the configuration (a component rebuilding for a reload). */
    public ComponentParameters parameters(Generation generation, Function<String, Optional<String>> overrides,
            String component) throws ConfigException {
        return ComponentParameters.of(generation.mainCf(), overrides, component);
    }

    /**
     * The bound mail log, or one for the main.cf these parameters come from; under the
     * parameters' {@code syslog_name} where a listener overrides it.
     */
    public MailLog mailLog(ComponentParameters parameters) {
        if (mailLog == null) {
            return MailLog.from(parameters.mainCf());
        }
        String name = parameters.get("syslog_name");
        return mainCf == null || name.equals(mainCf.get("syslog_name")) ? mailLog : mailLog.withSyslogName(name);
    }

    /**
     * Opens a {@code type:name} table through the server's registry (one load per table,
     * reloaded on change); in a stock James server a registry of its own, relative paths
     * resolving against the working directory. An unreadable or malformed table is an
     * {@link IllegalArgumentException} naming FILE:LINE, which stops the component's start.
     */
    public synchronized LookupTable openTable(String typeAndName) {
        if (tables == null) {
            tables = new TableRegistry();
        }
        try {
            return tables.open(typeAndName);
        } catch (ConfigException e) {
            throw new IllegalArgumentException(e.getMessage(), e);
        }
    }

    /** {@link TableRegistry#openAliases}: an {@code alias_maps} entry, through the server's registry. */
    public synchronized LookupTable openAliasTable(String typeAndName) {
        if (tables == null) {
            tables = new TableRegistry();
        }
        try {
            return tables.openAliases(typeAndName);
        } catch (ConfigException e) {
            throw new IllegalArgumentException(e.getMessage(), e);
        }
    }
}
