package dev.postern.app.modules;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.stream.Collectors;

import org.apache.commons.configuration2.HierarchicalConfiguration;
import org.apache.commons.configuration2.ex.ConfigurationException;
import org.apache.commons.configuration2.tree.ImmutableNode;
import org.apache.james.server.core.configuration.ConfigurationProvider;
import org.apache.james.util.LoggingLevel;

import dev.postern.address.NetworkList;
import dev.postern.app.PosternHome;
import dev.postern.app.tls.ForwardSecretCipherSuites;
import dev.postern.app.tls.TlsIdentity;
import dev.postern.config.ConfigException;
import dev.postern.config.ListenAddress;
import dev.postern.config.MainCf;
import dev.postern.config.SmtpdListeners;

/**
 * Reads James's XML files as usual, then applies main.cf where a Postfix parameter and
 * a James setting describe the same thing, so that an operator sets each thing once,
 * in main.cf: the listeners' addresses, greeting, host name, size limit, idle timeout and
 * trusted networks, TLS and AUTH in smtpserver.xml. A listener is identified by its {@code jmxName};
 * its {@code <override>name = value</override>} elements set main.cf parameters for it alone,
 * as master.cf's {@code -o name=value} does for a Postfix service.
 */
public class MainCfConfigurationProvider implements ConfigurationProvider {
    /** jmxName of each listener in smtpserver.xml and the main.cf parameter giving its address. */
    static final Map<String, String> LISTENERS = Map.of(
        "smtpserver", "postern_smtpd_listen",
        "submission", "postern_submission_listen",
        "submissions", "postern_submissions_listen");

    private static final List<String> TLS_LEVELS = List.of("none", "may", "encrypt");

    private final ConfigurationProvider delegate;
    private final MainCf mainCf;
    private final PosternHome home;

    public MainCfConfigurationProvider(ConfigurationProvider delegate, MainCf mainCf, PosternHome home) {
        this.delegate = delegate;
        this.mainCf = mainCf;
        this.home = home;
    }

    @Override
    public HierarchicalConfiguration<ImmutableNode> getConfiguration(String component, LoggingLevel loggingLevelOnError)
            throws ConfigurationException {
        HierarchicalConfiguration<ImmutableNode> configuration = delegate.getConfiguration(component, loggingLevelOnError);
        if (component.equals("smtpserver")) {
            applyToListeners(configuration);
        }
        return configuration;
    }

    /**
     * The enabled listeners of smtpserver.xml with the parameters each runs with: main.cf
     * plus its {@code <override>name = value</override>} elements.
     */
    public SmtpdListeners listeners() throws ConfigurationException {
        HierarchicalConfiguration<ImmutableNode> configuration = delegate.getConfiguration("smtpserver", LoggingLevel.ERROR);
        List<SmtpdListeners.Listener> listeners = new ArrayList<>();
        List<HierarchicalConfiguration<ImmutableNode>> servers = configuration.configurationsAt("smtpserver");
        for (int i = 0; i < servers.size(); i++) {
            String jmxName = jmxName(servers.get(i), i);
            MainCf listenerCf = listenerMainCf(servers.get(i), jmxName);
            Optional<ListenAddress> address = listenerCf.listenAddress(LISTENERS.get(jmxName));
            if (servers.get(i).getBoolean("[@enabled]", true) && address.isPresent()) {
                listeners.add(new SmtpdListeners.Listener(jmxName, address.get().port(), listenerCf));
            }
        }
        return new SmtpdListeners(listeners);
    }

    /**
     * One listener of smtpserver.xml as {@code postern check} sees it.
     *
     * @param runs    whether the server starts it: enabled and given an address
     * @param mainCf  main.cf with the listener's overrides
     */
    public record ListenerSetup(String name, boolean runs, MainCf mainCf) {
    }

    /**
     * Every listener of smtpserver.xml with the parameters it would run with, for {@code postern
     * check}: a listener whose jmxName or overrides are wrong goes to {@code problems} and is left
     * out, so that one run names every bad listener rather than the first.
     *
     * @throws ConfigurationException when smtpserver.xml itself cannot be read
     */
    public List<ListenerSetup> listenerSetups(Consumer<String> problems) throws ConfigurationException {
        HierarchicalConfiguration<ImmutableNode> configuration = delegate.getConfiguration("smtpserver", LoggingLevel.ERROR);
        List<HierarchicalConfiguration<ImmutableNode>> servers = configuration.configurationsAt("smtpserver");
        List<ListenerSetup> setups = new ArrayList<>();
        for (int i = 0; i < servers.size(); i++) {
            try {
                String jmxName = jmxName(servers.get(i), i);
                MainCf listenerCf = listenerMainCf(servers.get(i), jmxName);
                Optional<ListenAddress> address = listenerCf.listenAddress(LISTENERS.get(jmxName));
                if (address.isPresent()) {
                    requireBindable(LISTENERS.get(jmxName), address.get());
                }
                boolean runs = servers.get(i).getBoolean("[@enabled]", true) && address.isPresent();
                setups.add(new ListenerSetup(jmxName, runs, listenerCf));
            } catch (ConfigurationException | IllegalArgumentException e) {
                problems.accept(e.getMessage());
            }
        }
        return List.copyOf(setups);
    }

    /**
     * Whether the listener speaks TLS (STARTTLS or wrapper mode), and so needs its key and
     * certificate; also the check of {@code smtpd_tls_security_level}.
     */
    public static boolean usesTls(MainCf listenerCf) throws ConfigurationException {
        return !tlsLevel(listenerCf).equals("none") || listenerCf.bool("smtpd_tls_wrappermode");
    }

    private void applyToListeners(HierarchicalConfiguration<ImmutableNode> configuration) throws ConfigurationException {
        List<HierarchicalConfiguration<ImmutableNode>> servers = configuration.configurationsAt("smtpserver");
        for (int i = 0; i < servers.size(); i++) {
            String prefix = "smtpserver(" + i + ").";
            String jmxName = jmxName(servers.get(i), i);
            String parameter = LISTENERS.get(jmxName);
            MainCf listenerCf = listenerMainCf(servers.get(i), jmxName);
            Optional<ListenAddress> address = listenerCf.listenAddress(parameter);
            if (address.isEmpty()) {
                configuration.setProperty(prefix + "[@enabled]", false);
                continue;
            }
            requireBindable(parameter, address.get());
            configuration.setProperty(prefix + "bind", address.get().host() + ":" + address.get().port());
            configuration.setProperty(prefix + "helloName", listenerCf.get("myhostname"));
            configuration.setProperty(prefix + "helloName[@autodetect]", false);
            configuration.setProperty(prefix + "smtpGreeting", listenerCf.get("smtpd_banner"));
            configuration.setProperty(prefix + "maxmessagesize", kilobytes(listenerCf.number("message_size_limit")));
            // Postern's SmtpdTimeout replaces James's idle timer in each connection; James's stays the
            // fallback where it cannot (James closes silently, after twice this)
            configuration.setProperty(prefix + "connectiontimeout", seconds(listenerCf.duration("smtpd_timeout")));
            String trusted = jamesNetworks(listenerCf);
            if (trusted.isEmpty()) {
                configuration.clearProperty(prefix + "authorizedAddresses");
            } else {
                configuration.setProperty(prefix + "authorizedAddresses", trusted);
            }
            applyTls(configuration, prefix, listenerCf, jmxName);
            applyAuth(configuration, prefix, listenerCf);
        }
    }

    private static void requireBindable(String parameter, ListenAddress address) throws ConfigurationException {
        if (address.host().contains(":")) {
            throw new ConfigurationException(parameter + ": IPv6 listen addresses are not supported yet"
                + " (James 3.8.1's SMTP server parses host:port only); use an IPv4 address or 0.0.0.0");
        }
    }

    private static String jmxName(HierarchicalConfiguration<ImmutableNode> server, int index) throws ConfigurationException {
        String jmxName = server.getString("jmxName", "");
        if (!LISTENERS.containsKey(jmxName)) {
            throw new ConfigurationException("smtpserver.xml: listener " + (index + 1) + " has jmxName \"" + jmxName
                + "\"; Postern knows " + LISTENERS.keySet() + " (each bound through its postern_*_listen parameter)");
        }
        return jmxName;
    }

    /**
     * The running listeners again, for a reload: each keeps the port it is bound to and gets
     * {@code reloaded} with its {@code <override>} elements, read again from smtpserver.xml.
     *
     * @throws ConfigurationException naming the listener whose overrides do not apply
     */
    public SmtpdListeners reloaded(MainCf reloaded, SmtpdListeners running) throws ConfigurationException {
        HierarchicalConfiguration<ImmutableNode> configuration = delegate.getConfiguration("smtpserver", LoggingLevel.ERROR);
        List<HierarchicalConfiguration<ImmutableNode>> servers = configuration.configurationsAt("smtpserver");
        List<SmtpdListeners.Listener> listeners = new ArrayList<>();
        for (SmtpdListeners.Listener listener : running.all()) {
            HierarchicalConfiguration<ImmutableNode> server = null;
            for (int i = 0; i < servers.size(); i++) {
                if (jmxName(servers.get(i), i).equals(listener.name())) {
                    server = servers.get(i);
                }
            }
            MainCf listenerCf = server == null ? reloaded : listenerMainCf(server, listener.name(), reloaded);
            listeners.add(new SmtpdListeners.Listener(listener.name(), listener.port(), listenerCf));
        }
        return new SmtpdListeners(listeners);
    }

    /** main.cf with the listener's {@code <override>} elements, each {@code name = value}. */
    private MainCf listenerMainCf(HierarchicalConfiguration<ImmutableNode> server, String jmxName)
            throws ConfigurationException {
        return listenerMainCf(server, jmxName, mainCf);
    }

    private static MainCf listenerMainCf(HierarchicalConfiguration<ImmutableNode> server, String jmxName, MainCf mainCf)
            throws ConfigurationException {
        String where = "smtpserver.xml: listener " + jmxName;
        Map<String, String> overrides = new LinkedHashMap<>();
        for (String override : server.getStringArray("override")) {
            int equals = override.indexOf('=');
            if (equals <= 0) {
                throw new ConfigurationException(where + ": <override>" + override
                    + "</override>: expected name = value, as master.cf's -o name=value");
            }
            overrides.put(override.substring(0, equals).trim(), override.substring(equals + 1).trim());
        }
        try {
            return mainCf.withOverrides(overrides, where);
        } catch (ConfigException e) {
            throw new ConfigurationException(e.getMessage(), e);
        }
    }

    /**
     * STARTTLS ({@code smtpd_tls_security_level} may or encrypt) or TLS from the first byte
     * ({@code smtpd_tls_wrappermode}), with the configured or self-signed key, offering only
     * forward-secret cipher suites. encrypt's refusal of mail before STARTTLS is Postern's TLS gate
     * in the handler chain.
     */
    private void applyTls(HierarchicalConfiguration<ImmutableNode> configuration, String prefix, MainCf listenerCf,
            String jmxName) throws ConfigurationException {
        String level = tlsLevel(listenerCf);
        boolean wrapper = listenerCf.bool("smtpd_tls_wrappermode");
        configuration.clearTree(prefix + "tls");
        if (level.equals("none") && !wrapper) {
            return;
        }
        TlsIdentity identity;
        try {
            identity = TlsIdentity.of(listenerCf, home.home(), home.var().resolve("tls"));
        } catch (ConfigException e) {
            throw new ConfigurationException("listener " + jmxName + ": " + e.getMessage(), e);
        }
        configuration.setProperty(prefix + "tls[@socketTLS]", wrapper);
        configuration.setProperty(prefix + "tls[@startTLS]", !wrapper);
        if (identity.isPkcs12()) {
            configuration.setProperty(prefix + "tls.keystore", fileUrl(identity.certificate()));
            configuration.setProperty(prefix + "tls.keystoreType", "PKCS12");
            configuration.setProperty(prefix + "tls.secret", identity.pkcs12Password());
        } else {
            configuration.setProperty(prefix + "tls.privateKey", fileUrl(identity.key()));
            configuration.setProperty(prefix + "tls.certificates", fileUrl(identity.certificate()));
        }
        configuration.setProperty(prefix + "tls.supportedCipherSuites.cipherSuite", ForwardSecretCipherSuites.jvmDefaults());
    }

    /** Checked here, before any listener binds, so a typo is a startup error naming where it is. */
    static String tlsLevel(MainCf listenerCf) throws ConfigurationException {
        String level = listenerCf.get("smtpd_tls_security_level").trim().toLowerCase(Locale.ROOT);
        if (level.isEmpty()) {
            return "none";
        }
        if (!TLS_LEVELS.contains(level)) {
            throw new ConfigurationException(listenerCf.origin("smtpd_tls_security_level") + ": smtpd_tls_security_level: \""
                + level + "\" is not one of none, may, encrypt");
        }
        return level;
    }

    /**
     * AUTH is announced when {@code smtpd_sasl_auth_enable = yes}, after TLS only with
     * {@code smtpd_tls_auth_only} or {@code encrypt}; Postern's AUTH handler refuses an AUTH
     * that was not announced, which James alone would still accept.
     */
    private static void applyAuth(HierarchicalConfiguration<ImmutableNode> configuration, String prefix, MainCf listenerCf)
            throws ConfigurationException {
        configuration.clearTree(prefix + "auth");
        configuration.clearTree(prefix + "authRequired");
        boolean enabled = listenerCf.bool("smtpd_sasl_auth_enable");
        configuration.setProperty(prefix + "auth.announce", enabled ? "always" : "never");
        configuration.setProperty(prefix + "auth.requireSSL",
            listenerCf.bool("smtpd_tls_auth_only") || tlsLevel(listenerCf).equals("encrypt"));
        configuration.setProperty(prefix + "auth.plainAuthEnabled", true);
    }

    private static String fileUrl(Path file) {
        return "file://" + file.toAbsolutePath();
    }

    /** James counts its idle timeout in whole seconds. */
    private static String seconds(java.time.Duration duration) {
        return Long.toString(Math.max(1, (duration.toMillis() + 999) / 1000));
    }

    /** James counts the size limit in kilobytes, 0 meaning unlimited, as Postfix's 0 does. */
    private static String kilobytes(long bytes) {
        return bytes <= 0 ? "0" : Long.toString(Math.max(1, bytes / 1024));
    }

    /**
     * James's own trust flag (it drives its AUTH announcement and its SMTPIsAuthNetwork
     * matcher) follows mynetworks; the relay decision itself is Postern's
     * SmtpdRestrictionsHook, which also honours {@code !} exclusions.
     */
    private static String jamesNetworks(MainCf listenerCf) {
        return NetworkList.positiveNetworks("mynetworks", listenerCf.list("mynetworks")).stream()
            .map(network -> network.replace("[", "").replace("]", ""))
            .collect(Collectors.joining(", "));
    }
}
