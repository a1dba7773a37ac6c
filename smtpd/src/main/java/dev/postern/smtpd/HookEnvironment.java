package dev.postern.smtpd;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.Iterator;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.function.Consumer;
import java.util.function.Function;

import javax.inject.Inject;
import javax.inject.Singleton;

import org.apache.commons.configuration2.Configuration;
import org.apache.commons.configuration2.ex.ConfigurationException;
import org.apache.james.domainlist.api.DomainList;
import org.apache.james.protocols.api.handler.ProtocolHandler;
import org.apache.james.user.api.UsersRepository;

import dev.postern.PosternEnvironment;
import dev.postern.config.ComponentParameters;
import dev.postern.config.ConfigException;
import dev.postern.config.MainCf;
import dev.postern.config.SmtpdListeners;
import dev.postern.log.MailLog;
import dev.postern.smtpd.sasl.SaslSocketDirectory;
import dev.postern.verify.AddressVerifier;

/**
 * {@link PosternEnvironment} for SMTP hooks. A hook's parameters come from main.cf, then from
 * its listener's {@code <override>} elements in smtpserver.xml (as {@code -o name=value} in
 * master.cf), then from child elements of its own {@code <handler>} element, if it is listed.
 *
 * <p>One instance serves every hook of every listener's handler chain ({@code @Singleton}), so
 * that what several hooks need alike, the {@link #policies restriction policy}, is built once.
 */
@Singleton
public class HookEnvironment extends PosternEnvironment {
    private SmtpdListeners listeners = SmtpdListeners.none();
    private Path socketDirectory = Path.of("var");
    private AddressVerifier verifier;
    /** The shared policies, by what they were built from besides the configuration. */
    private final Map<PolicyInputs, PerListener<SmtpdPolicy>> policies = new HashMap<>();

    /**
     * What a policy is built from besides main.cf and the listeners: the hook's own
     * {@code <handler>} elements (none in Postern's assembly) and the user and domain stores.
     */
    private record PolicyInputs(Map<String, String> ownElements, DomainList domainList, UsersRepository users) {
    }

    @Inject
    public HookEnvironment() {
    }

    public HookEnvironment(MainCf mainCf, MailLog mailLog) {
        super(mainCf, mailLog);
    }

    /** What a hook builds from its parameters, once per listener at start. */
    @FunctionalInterface
    public interface Setup<T> {
        T build(ComponentParameters parameters) throws Exception;
    }

    /** Postern's var/, under which a relative socket (check_policy_service unix:name) is. */
    @com.google.inject.Inject(optional = true)
    public void setSocketDirectory(SaslSocketDirectory socketDirectory) {
        this.socketDirectory = socketDirectory.path();
    }

    /** Where a relative socket is: var/, the working directory's without the server's. */
    public Path socketDirectory() {
        return socketDirectory;
    }

    @com.google.inject.Inject(optional = true)
    public void setListeners(SmtpdListeners listeners) {
        this.listeners = listeners;
    }

    /** The address verification service of reject_unverified_recipient/_sender; without one they are refused at start. */
    @com.google.inject.Inject(optional = true)
    public void setAddressVerifier(AddressVerifier verifier) {
        this.verifier = verifier;
    }

    /** Null when the assembly has no address verification service. */
    public AddressVerifier addressVerifier() {
        return verifier;
    }

    @Override
    protected SmtpdListeners startListeners() {
        return listeners;
    }

    /**
     * Builds a hook's settings for main.cf and for each listener with its smtpserver.xml
     * overrides; a problem is a startup error naming the listener. They are built again for each
     * reload (which a problem then refuses), and sessions use those of their generation.
     */
    public <T> PerListener<T> perListener(Configuration handlerConfig, ProtocolHandler hook, Setup<T> setup)
            throws ConfigurationException {
        return perListener(handlerConfig, hook, setup, settings -> { });
    }

    /**
     * The same, with what releases the settings of a generation no longer current (a reload
     * replaced it, or the server stops).
     */
    public <T> PerListener<T> perListener(Configuration handlerConfig, ProtocolHandler hook, Setup<T> setup,
            Consumer<T> retirement) throws ConfigurationException {
        String component = hook.getClass().getSimpleName();
        Function<String, Optional<String>> own = name -> Optional.ofNullable(handlerConfig.getString(name, null));
        PerListener<T> perListener;
        try {
            perListener = new PerListener<>(this::generation, reloads(),
                generation -> build(setup, generation, own, component), retirement);
        } catch (ConfigException e) {
            throw new ConfigurationException(e.getMessage(), e);
        }
        registerReloadable(perListener);
        return perListener;
    }

    private <T> PerListener.Listeners<T> build(Setup<T> setup, dev.postern.config.Generation generation,
            Function<String, Optional<String>> own, String component) throws ConfigException {
        T fallback = build(setup, () -> parameters(generation, own, component), "");
        Map<Integer, T> byPort = new HashMap<>();
        for (SmtpdListeners.Listener listener : generation.listeners().all()) {
            byPort.put(listener.port(), build(setup, () -> ComponentParameters.of(listener.mainCf(), own, component),
                "listener " + listener.name() + ": "));
        }
        return new PerListener.Listeners<>(fallback, byPort);
    }

    /**
     * Each listener's {@link SmtpdPolicy}, built once per listener and configuration generation
     * and shared by every hook that asks for it (the restrictions, the relay guard, the greeting,
     * DATA and end-of-data), so that they judge with the same lists and tables, and a reload
     * parses them once. Hooks with {@code <handler>} elements of their own get a policy of their own.
     */
    public synchronized PerListener<SmtpdPolicy> policies(Configuration handlerConfig, ProtocolHandler hook,
            DomainList domainList, UsersRepository users) throws ConfigurationException {
        PolicyInputs inputs = new PolicyInputs(ownElements(handlerConfig), domainList, users);
        PerListener<SmtpdPolicy> shared = policies.get(inputs);
        if (shared == null) {
            // A replaced configuration's policy services lose their idle connections.
            shared = perListener(handlerConfig, hook,
                parameters -> SmtpdPolicy.of(parameters, this, domainList, users),
                policy -> policy.config().closePolicyServices());
            policies.put(inputs, shared);
        }
        return shared;
    }

    /** The child elements of a hook's {@code <handler>} element; its attributes (the class) are not parameters. */
    private static Map<String, String> ownElements(Configuration handlerConfig) {
        Map<String, String> elements = new TreeMap<>();
        for (Iterator<String> keys = handlerConfig.getKeys(); keys.hasNext(); ) {
            String key = keys.next();
            if (!key.contains("[@")) {
                elements.put(key, handlerConfig.getString(key, ""));
            }
        }
        return Map.copyOf(elements);
    }

    /** The smtpd mail log of a hook, per listener. */
    public SmtpdLog smtpdLog(Configuration handlerConfig, ProtocolHandler hook) throws ConfigurationException {
        return new SmtpdLog(perListener(handlerConfig, hook, this::mailLog), service(handlerConfig));
    }

    private interface ParametersSource {
        ComponentParameters get() throws ConfigException;
    }

    private static <T> T build(Setup<T> setup, ParametersSource source, String where) throws ConfigException {
        try {
            return setup.build(source.get());
        } catch (Exception e) {
            throw new ConfigException(where + e.getMessage(), e);
        }
    }

    public ComponentParameters parameters(Configuration handlerConfig, ProtocolHandler hook) throws ConfigurationException {
        try {
            return parameters(name -> Optional.ofNullable(handlerConfig.getString(name, null)),
                hook.getClass().getSimpleName());
        } catch (ConfigException e) {
            throw new ConfigurationException(e.getMessage(), e);
        }
    }

    /** The lookup of the client's name, with each listener's {@code postern_dns_servers}. */
    public PerListener<ClientIdentity> clientIdentity(Configuration handlerConfig, ProtocolHandler hook)
            throws ConfigurationException {
        return perListener(handlerConfig, hook, parameters -> new ClientIdentity(clientHostnames(parameters)));
    }

    /** The daemon name in log lines: {@code smtpd}, or e.g. {@code submission/smtpd} set per listener. */
    public static String service(Configuration handlerConfig) {
        return handlerConfig.getString("syslogService", "smtpd");
    }
}
