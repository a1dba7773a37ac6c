package dev.postern.app.modules;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Set;
import java.util.List;
import java.util.Locale;
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
import dev.postern.config.MasterCf;
import dev.postern.app.modules.SmtpdListenerDefinitions.Definition;
import dev.postern.config.SmtpdListeners;

/**
 * Reads James's XML files as usual, then applies main.cf where a Postfix parameter and
 * a James setting describe the same thing, so that an operator sets each thing once,
 * in main.cf: the listeners' addresses, greeting, host name, size limit, idle timeout and
 * trusted networks, TLS and AUTH in smtpserver.xml. Which listeners run, and with which overrides,
 * is {@link SmtpdListenerDefinitions}: smtpserver.xml's blocks, or master.cf's smtpd services when
 * there is a master.cf.
 */
public class MainCfConfigurationProvider implements ConfigurationProvider {
    private static final List<String> TLS_LEVELS = List.of("none", "may", "encrypt");

    private final ConfigurationProvider delegate;
    private final MainCf mainCf;
    private final PosternHome home;
    /** The loopback port of the smtpd behind each postscreen listener, chosen once per server. */
    private final java.util.Map<String, Integer> postscreenSmtpdPorts = new java.util.concurrent.ConcurrentHashMap<>();

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
        List<SmtpdListeners.Listener> listeners = new ArrayList<>();
        for (Definition definition : definitions(smtpServers(), null)) {
            MainCf listenerCf = listenerMainCf(definition, mainCf);
            Optional<ListenAddress> address = definition.address(listenerCf);
            if (definition.enabled() && address.isPresent()) {
                int port = definition.postscreen() ? postscreenSmtpdPort(definition.name()) : address.get().port();
                listeners.add(new SmtpdListeners.Listener(definition.name(), port, listenerCf));
            }
        }
        return new SmtpdListeners(listeners);
    }

    /**
     * A listener postscreen runs in front of: postscreen at {@code address}, the listener's smtpd
     * at 127.0.0.1:{@code smtpdPort}, which only postscreen connects to.
     */
    public record PostscreenListener(String name, ListenAddress address, int smtpdPort, MainCf mainCf) {
    }

    /** The listeners postscreen runs in front of (docs/postscreen.md). */
    public List<PostscreenListener> postscreenListeners() throws ConfigurationException {
        List<PostscreenListener> listeners = new ArrayList<>();
        for (Definition definition : definitions(smtpServers(), null)) {
            MainCf listenerCf = listenerMainCf(definition, mainCf);
            Optional<ListenAddress> address = definition.address(listenerCf);
            if (definition.postscreen() && definition.enabled() && address.isPresent()) {
                listeners.add(new PostscreenListener(definition.name(), address.get(),
                    postscreenSmtpdPort(definition.name()), listenerCf));
            }
        }
        return List.copyOf(listeners);
    }

    /** A free loopback port, the same for a listener every time it is asked. */
    private int postscreenSmtpdPort(String listener) throws ConfigurationException {
        try {
            return postscreenSmtpdPorts.computeIfAbsent(listener, name -> {
                try (java.net.ServerSocket socket = new java.net.ServerSocket(0, 1,
                        java.net.InetAddress.getLoopbackAddress())) {
                    return socket.getLocalPort();
                } catch (java.io.IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            });
        } catch (java.io.UncheckedIOException e) {
            throw new ConfigurationException("listener " + listener + ": no free loopback port for the smtpd behind"
                + " postscreen: " + e.getCause().getMessage(), e);
        }
    }

    private List<HierarchicalConfiguration<ImmutableNode>> smtpServers() throws ConfigurationException {
        return delegate.getConfiguration("smtpserver", LoggingLevel.ERROR).configurationsAt("smtpserver");
    }

    /** The listeners smtpserver.xml and master.cf (read again each time, as a reload does) define. */
    private List<Definition> definitions(List<HierarchicalConfiguration<ImmutableNode>> servers, Consumer<String> problems)
            throws ConfigurationException {
        MasterCf master;
        try {
            master = MasterCf.besideMainCf(home.mainCf());
        } catch (ConfigException e) {
            throw new ConfigurationException(e.getMessage(), e);
        }
        return SmtpdListenerDefinitions.of(servers, master, problems);
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
        List<ListenerSetup> setups = new ArrayList<>();
        for (Definition definition : definitions(smtpServers(), problems)) {
            try {
                MainCf listenerCf = listenerMainCf(definition, mainCf);
                Optional<ListenAddress> address = definition.address(listenerCf);
                if (address.isPresent()) {
                    requireBindable(definition.addressSource(), address.get());
                }
                if (definition.postscreen()) {
                    postscreenProblem(definition, listenerCf).ifPresent(problems);
                }
                setups.add(new ListenerSetup(definition.name(), definition.enabled() && address.isPresent(), listenerCf));
            } catch (ConfigurationException | IllegalArgumentException e) {
                problems.accept(e.getMessage());
            }
        }
        return List.copyOf(setups);
    }

    /** What stops postscreen in front of the listener from starting: a postscreen_* value or table it cannot use. */
    private Optional<String> postscreenProblem(Definition definition, MainCf listenerCf) {
        try (dev.postern.tables.TableRegistry tables = new dev.postern.tables.TableRegistry(home.home())) {
            dev.postern.app.postscreen.PostscreenSettings.from(listenerCf, tables);
            return Optional.empty();
        } catch (ConfigException e) {
            return Optional.of("postscreen in front of listener " + definition.name() + " (" + definition.origin() + "): "
                + e.getMessage());
        }
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
        List<Definition> definitions = definitions(servers, null);
        Set<Integer> used = new HashSet<>();
        int blocks = servers.size();
        for (Definition definition : definitions) {
            int index = definition.block();
            if (definition.copied()) {
                ImmutableNode template = servers.get(definition.block()).getNodeModel().getInMemoryRepresentation();
                configuration.addNodes("", List.of(SmtpdListenerDefinitions.copy(template)));
                index = blocks++;
                configuration.setProperty("smtpserver(" + index + ").jmxName", definition.name());
                configuration.clearProperty("smtpserver(" + index + ").override");
            }
            used.add(index);
            applyToListener(configuration, index, definition);
        }
        for (int i = 0; i < servers.size(); i++) {
            if (!used.contains(i)) {
                configuration.setProperty("smtpserver(" + i + ")[@enabled]", false);
            }
        }
    }

    private void applyToListener(HierarchicalConfiguration<ImmutableNode> configuration, int index, Definition definition)
            throws ConfigurationException {
        String prefix = "smtpserver(" + index + ").";
        String jmxName = definition.name();
        MainCf listenerCf = listenerMainCf(definition, mainCf);
        Optional<ListenAddress> address = definition.address(listenerCf);
        if (address.isEmpty() || !definition.enabled()) {
            configuration.setProperty(prefix + "[@enabled]", false);
            return;
        }
        configuration.setProperty(prefix + "[@enabled]", true);
        configuration.setProperty(prefix + "jmxName", jamesJmxName(jmxName));
        requireBindable(definition.addressSource(), address.get());
        configuration.clearProperty(prefix + "postscreen");
        if (definition.postscreen()) {
            // postscreen holds the address; this smtpd takes only the clients it passes, with their
            // address in a PROXY header
            configuration.setProperty(prefix + "bind", "127.0.0.1:" + postscreenSmtpdPort(jmxName));
            configuration.setProperty(prefix + "proxyRequired", true);
        } else {
            configuration.setProperty(prefix + "bind", address.get().host() + ":" + address.get().port());
            configuration.setProperty(prefix + "proxyRequired", upstreamProxy(listenerCf));
        }
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

    /**
     * The name James registers the listener's MBean under: a {@code host:port} listener of master.cf
     * with {@code _} for the characters a JMX name value cannot hold ({@code 127.0.0.1_10025}); James
     * refuses to start with {@code 127.0.0.1:10025}. Postern itself keeps calling it by its master.cf name.
     */
    static String jamesJmxName(String listener) {
        return listener.replaceAll("[:,=*?\"\\\\\\n]", "_");
    }

    private static boolean upstreamProxy(MainCf listenerCf) throws ConfigurationException {
        try {
            return dev.postern.app.postscreen.PostscreenSettings.proxy("smtpd_upstream_proxy_protocol", listenerCf);
        } catch (IllegalArgumentException e) {
            throw new ConfigurationException(e.getMessage(), e);
        }
    }

    private static void requireBindable(String parameter, ListenAddress address) throws ConfigurationException {
        if (address.host().contains(":")) {
            throw new ConfigurationException(parameter + ": IPv6 listen addresses are not supported yet"
                + " (James 3.8.1's SMTP server parses host:port only); use an IPv4 address or 0.0.0.0");
        }
    }

    /**
     * The running listeners again, for a reload: each keeps the port it is bound to and gets
     * {@code reloaded} with its {@code <override>} elements, read again from smtpserver.xml.
     *
     * @throws ConfigurationException naming the listener whose overrides do not apply
     */
    public SmtpdListeners reloaded(MainCf reloaded, SmtpdListeners running) throws ConfigurationException {
        List<Definition> definitions = definitions(smtpServers(), null);
        List<SmtpdListeners.Listener> listeners = new ArrayList<>();
        for (SmtpdListeners.Listener listener : running.all()) {
            Optional<Definition> definition = definitions.stream()
                .filter(candidate -> candidate.name().equals(listener.name())).findFirst();
            MainCf listenerCf = definition.isEmpty() ? reloaded : listenerMainCf(definition.get(), reloaded);
            listeners.add(new SmtpdListeners.Listener(listener.name(), listener.port(), listenerCf));
        }
        return new SmtpdListeners(listeners);
    }

    /** main.cf with the listener's overrides (master.cf -o and smtpserver.xml {@code <override>}). */
    private static MainCf listenerMainCf(Definition definition, MainCf mainCf) throws ConfigurationException {
        try {
            return mainCf.withOverrides(definition.overrides(), definition.origin());
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
