package dev.postern.app.explain;

import java.io.IOException;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import org.apache.commons.configuration2.ex.ConfigurationException;
import org.apache.james.UserEntityValidator;
import org.apache.james.domainlist.api.DomainList;
import org.apache.james.server.core.configuration.Configuration;
import org.apache.james.server.core.configuration.FileConfigurationProvider;
import org.apache.james.server.core.filesystem.FileSystemImpl;
import org.apache.james.user.api.UsersRepository;

import dev.postern.app.PosternDirectories;
import dev.postern.app.PosternHome;
import dev.postern.app.modules.MainCfConfigurationProvider;
import dev.postern.app.modules.MainCfConfigurationProvider.ListenerSetup;
import dev.postern.app.modules.PosternDataModule;
import dev.postern.config.ComponentParameters;
import dev.postern.config.ConfigException;
import dev.postern.config.MainCf;
import dev.postern.dns.DnsLookup;
import dev.postern.log.MailLog;
import dev.postern.qmgr.QueueManager;
import dev.postern.rewrite.CleanupMaps;
import dev.postern.smtpd.HookEnvironment;
import dev.postern.smtpd.LocalRecipientHook;
import dev.postern.smtpd.SmtpdPolicy;
import dev.postern.tables.TableRegistry;

/**
 * {@code postern explain}: what the server would do with one hypothetical SMTP transaction, shown
 * step by step ({@link TransactionExplanation}) with the parts the server builds from the same
 * configuration ({@link ServerParts}): no second implementation of the restrictions or the routing.
 * It starts nothing, connects nowhere (the DNS is never asked: {@link OfflineDns}) and writes no file.
 *
 * <p>Exit status: 0 when every recipient would be accepted, 1 when one would be refused (rejected
 * or deferred), 2 for a usage mistake or a configuration that cannot be loaded, 3 when a
 * restriction needed the DNS, so that the outcome shown is not certain.
 */
public final class ExplainCommand {
    public static final int ACCEPTED = 0;
    public static final int REFUSED = 1;
    public static final int CANNOT_EXPLAIN = 2;
    public static final int NEEDS_DNS = 3;
    private static final String COMPONENT = "postern explain";

    private final PosternHome home;
    private final PrintStream out;
    private final PrintStream err;

    public ExplainCommand(PosternHome home, PrintStream out, PrintStream err) {
        this.home = home;
        this.out = out;
        this.err = err;
    }

    /** @throws IllegalArgumentException for a usage mistake, with the usage in its message */
    public int run(List<String> arguments) {
        ExplainOptions options = ExplainOptions.parse(arguments);
        MainCf mainCf;
        try {
            mainCf = MainCf.load(home.mainCf(), System.getenv());
        } catch (ConfigException e) {
            return fatal(e.getMessage());
        }
        OfflineDns dns = new OfflineDns();
        try (TableRegistry tables = new TableRegistry(home.home())) {
            ServerParts parts = assemble(mainCf, tables, dns, options.listener());
            return new TransactionExplanation(parts, dns, out).explain(options);
        } catch (ConfigurationException | ConfigException | IOException | IllegalArgumentException e) {
            return fatal(e.getMessage() == null ? e.toString() : e.getMessage());
        }
    }

    private int fatal(String problem) {
        err.println("postern: fatal: " + problem);
        return CANNOT_EXPLAIN;
    }

    /**
     * The parts as the server builds them: the listener's parameters (main.cf with its overrides) for
     * what smtpd does, main.cf's for the cleanup and queue manager mailets, the domain list and users
     * as stored under var/, and a DNS that is never asked.
     */
    private ServerParts assemble(MainCf mainCf, TableRegistry tables, OfflineDns dns, Optional<String> wanted)
            throws ConfigurationException, ConfigException, IOException {
        HookEnvironment environment = new HookEnvironment(mainCf, MailLog.from(mainCf)) {
            @Override
            public DnsLookup dns(ComponentParameters parameters) {
                return dns;
            }
        };
        environment.setTables(tables);
        environment.setAddressVerifier(dev.postern.app.OfflineVerifier.INSTANCE);
        MainCfConfigurationProvider configuration = configurationProvider(mainCf);
        ListenerSetup listener = listener(configuration, wanted);
        ComponentParameters smtpd = ComponentParameters.of(listener.mainCf(), name -> Optional.empty(), COMPONENT);
        ComponentParameters mailets = ComponentParameters.of(mainCf, name -> Optional.empty(), COMPONENT);
        DomainList domains = PosternDataModule.makeDomainList(mainCf, home);
        UsersRepository users = PosternDataModule.makeUsersRepository(domains, PosternDataModule.makeUsersDao(mainCf, home),
            UserEntityValidator.NOOP, configuration);
        CleanupMaps maps = new CleanupMaps(mailets, environment::openTable);
        return new ServerParts(listener.name(), SessionTls.of(smtpd), smtpd.bool("smtpd_sasl_auth_enable"), SmtpdPolicy.of(smtpd, environment, domains, users),
            LocalRecipientHook.Settings.of(smtpd, environment, domains, users), maps.rewriter(), maps.virtualAliases(),
            QueueManager.routeResolver(mailets, environment, domains));
    }

    private MainCfConfigurationProvider configurationProvider(MainCf mainCf) {
        Configuration configuration = new Configuration.Basic(
            new Configuration.ConfigurationPath("file://conf/"), new PosternDirectories(home));
        FileConfigurationProvider files = new FileConfigurationProvider(
            new FileSystemImpl(configuration.directories()), configuration);
        return new MainCfConfigurationProvider(files, mainCf, home);
    }

    /** The listener named, or the first one that runs (the MX listener of the shipped smtpserver.xml). */
    private static ListenerSetup listener(MainCfConfigurationProvider configuration, Optional<String> wanted)
            throws ConfigurationException {
        List<String> problems = new ArrayList<>();
        List<ListenerSetup> listeners = configuration.listenerSetups(problems::add);
        Optional<ListenerSetup> found = wanted.isPresent()
            ? listeners.stream().filter(listener -> listener.name().equals(wanted.get())).findFirst()
            : listeners.stream().filter(ListenerSetup::runs).findFirst();
        if (found.isPresent()) {
            return found.get();
        }
        if (!problems.isEmpty()) {
            throw new ConfigurationException("smtpserver.xml: " + String.join("; ", problems));
        }
        throw new IllegalArgumentException(wanted.map(name -> "explain: no listener \"" + name + "\" in smtpserver.xml")
            .orElse("explain: smtpserver.xml has no listener that runs") + "; listeners: "
            + String.join(", ", listeners.stream().map(ListenerSetup::name).toList()));
    }
}
