package dev.postern.app.modules;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;

import org.apache.commons.configuration2.HierarchicalConfiguration;
import org.apache.commons.configuration2.ex.ConfigurationException;
import org.apache.commons.configuration2.tree.ImmutableNode;
import org.apache.james.server.core.configuration.ConfigurationProvider;
import org.apache.james.util.LoggingLevel;

import dev.postern.address.NetworkList;
import dev.postern.config.ListenAddress;
import dev.postern.config.MainCf;

/**
 * Reads James's XML files as usual, then applies main.cf where a Postfix parameter and
 * a James setting describe the same thing, so that an operator sets each thing once,
 * in main.cf: the listeners' addresses, greeting, host name, size limit and trusted
 * networks in smtpserver.xml. A listener is identified by its {@code jmxName}.
 */
public class MainCfConfigurationProvider implements ConfigurationProvider {
    /** jmxName of each listener in smtpserver.xml and the main.cf parameter giving its address. */
    static final Map<String, String> LISTENERS = Map.of(
        "smtpserver", "postern_smtpd_listen",
        "submission", "postern_submission_listen",
        "submissions", "postern_submissions_listen");

    private final ConfigurationProvider delegate;
    private final MainCf mainCf;

    public MainCfConfigurationProvider(ConfigurationProvider delegate, MainCf mainCf) {
        this.delegate = delegate;
        this.mainCf = mainCf;
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

    private void applyToListeners(HierarchicalConfiguration<ImmutableNode> configuration) throws ConfigurationException {
        List<HierarchicalConfiguration<ImmutableNode>> servers = configuration.configurationsAt("smtpserver");
        for (int i = 0; i < servers.size(); i++) {
            String prefix = "smtpserver(" + i + ").";
            String jmxName = servers.get(i).getString("jmxName", "");
            String parameter = LISTENERS.get(jmxName);
            if (parameter == null) {
                throw new ConfigurationException("smtpserver.xml: listener " + (i + 1) + " has jmxName \"" + jmxName
                    + "\"; Postern knows " + LISTENERS.keySet() + " (each bound through its postern_*_listen parameter)");
            }
            Optional<ListenAddress> address = ListenAddress.parse(parameter, mainCf.get(parameter));
            if (address.isEmpty()) {
                configuration.setProperty(prefix + "[@enabled]", false);
                continue;
            }
            if (address.get().host().contains(":")) {
                throw new ConfigurationException(parameter + ": IPv6 listen addresses are not supported yet"
                    + " (James 3.8.1's SMTP server parses host:port only); use an IPv4 address or 0.0.0.0");
            }
            configuration.setProperty(prefix + "bind", address.get().host() + ":" + address.get().port());
            configuration.setProperty(prefix + "helloName", mainCf.get("myhostname"));
            configuration.setProperty(prefix + "helloName[@autodetect]", false);
            configuration.setProperty(prefix + "smtpGreeting", mainCf.get("smtpd_banner"));
            configuration.setProperty(prefix + "maxmessagesize", kilobytes(mainCf.number("message_size_limit")));
            configuration.setProperty(prefix + "authorizedAddresses", jamesNetworks());
        }
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
    private String jamesNetworks() {
        return NetworkList.parse("mynetworks", mainCf.list("mynetworks")).positiveNetworks().stream()
            .map(network -> network.replace("[", "").replace("]", ""))
            .collect(Collectors.joining(", "));
    }
}
