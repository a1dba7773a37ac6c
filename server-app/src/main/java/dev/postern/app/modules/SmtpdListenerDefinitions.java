package dev.postern.app.modules;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

import org.apache.commons.configuration2.HierarchicalConfiguration;
import org.apache.commons.configuration2.ex.ConfigurationException;
import org.apache.commons.configuration2.tree.ImmutableNode;

import dev.postern.config.ListenAddress;
import dev.postern.config.MainCf;
import dev.postern.config.MasterCf;
import dev.postern.config.MasterCfService;

/**
 * Which SMTP listeners run, from smtpserver.xml and, when present, master.cf: how the two files
 * combine (docs/master-cf.md).
 *
 * <ul>
 *   <li>Without master.cf, smtpserver.xml's enabled {@code <smtpserver>} blocks are the listeners,
 *       each with its {@code <override>} elements.</li>
 *   <li>With master.cf, its {@code inet} services running smtpd or postscreen are the listeners:
 *       {@code smtp}, {@code submission} and {@code smtps} (or {@code submissions}) are the listeners
 *       at {@code postern_smtpd_listen}, {@code postern_submission_listen} and
 *       {@code postern_submissions_listen}; a {@code host:port} or {@code port} name is a listener at
 *       that address. Each takes its James settings from the smtpserver.xml block of the same
 *       jmxName ({@code smtpserver}, {@code submission}, {@code submissions}, or the service name),
 *       else from the {@code smtpserver} block. Blocks no master.cf service names do not run. A
 *       listener's overrides are its {@code -o} and its block's {@code <override>}s together; a
 *       name set to different values in the two, or a block disabled for a service master.cf runs,
 *       is an error naming both files.</li>
 * </ul>
 */
final class SmtpdListenerDefinitions {
    /** jmxName of each listener in smtpserver.xml and the main.cf parameter giving its address. */
    static final Map<String, String> LISTENERS = Map.of(
        "smtpserver", "postern_smtpd_listen",
        "submission", "postern_submission_listen",
        "submissions", "postern_submissions_listen");

    /** master.cf service names of the listeners Postern has a parameter for, and their jmxName. */
    private static final Map<String, String> SERVICE_JMX_NAMES = Map.of(
        "smtp", "smtpserver",
        "submission", "submission",
        "smtps", "submissions",
        "submissions", "submissions");

    private static final Pattern PORT = Pattern.compile("\\d{1,5}");

    /**
     * One listener to run.
     *
     * @param name      its jmxName
     * @param block     the index of its smtpserver.xml block, or of the block to copy when {@code copied}
     * @param copied    whether its block is a copy of the {@code smtpserver} block (no block of its own)
     * @param addressParameter the main.cf parameter holding its address, or empty for a fixed one
     * @param fixedAddress the address of a {@code host:port} master.cf service
     * @param overrides its -o / {@code <override>} settings
     * @param origin    where its overrides are written, for errors
     * @param enabled   false for a block of smtpserver.xml with {@code enabled="false"} (listed by check, not run)
     * @param postscreen whether postscreen listens at its address, the smtpd behind it on loopback
     *                   (master.cf's {@code postscreen} command, smtpserver.xml's {@code <postscreen>true</postscreen>})
     */
    record Definition(String name, int block, boolean copied, Optional<String> addressParameter,
                      Optional<ListenAddress> fixedAddress, Map<String, String> overrides, String origin,
                      boolean enabled, boolean postscreen) {

        /** Where it binds with {@code listenerCf}; empty when its parameter is empty (not run). */
        Optional<ListenAddress> address(MainCf listenerCf) {
            return addressParameter.isPresent() ? listenerCf.listenAddress(addressParameter.get()) : fixedAddress;
        }

        /** The parameter or service that gives the address, for errors. */
        String addressSource() {
            return addressParameter.orElse("master.cf service " + name);
        }
    }

    private SmtpdListenerDefinitions() {
    }

    /**
     * @param servers smtpserver.xml's {@code <smtpserver>} blocks
     * @param problems gets each listener that cannot be defined; null to throw at the first
     */
    static List<Definition> of(List<HierarchicalConfiguration<ImmutableNode>> servers, MasterCf master,
                               java.util.function.Consumer<String> problems) throws ConfigurationException {
        List<Definition> definitions = new ArrayList<>();
        if (!master.isPresent()) {
            for (int i = 0; i < servers.size(); i++) {
                try {
                    String jmxName = xmlJmxName(servers.get(i), i, master);
                    definitions.add(new Definition(jmxName, i, false, Optional.of(LISTENERS.get(jmxName)),
                        Optional.empty(), xmlOverrides(servers.get(i), jmxName), xmlWhere(jmxName),
                        servers.get(i).getBoolean("[@enabled]", true), servers.get(i).getBoolean("postscreen", false)));
                } catch (ConfigurationException e) {
                    report(problems, e);
                }
            }
            return definitions;
        }
        for (int i = 0; i < servers.size(); i++) {
            try {
                xmlJmxName(servers.get(i), i, master);
            } catch (ConfigurationException e) {
                report(problems, e);
            }
        }
        for (MasterCfService service : master.withRole(MasterCfService.Role.LISTENER)) {
            try {
                definitions.add(fromMasterCf(service, servers));
            } catch (ConfigurationException e) {
                report(problems, e);
            }
        }
        return definitions;
    }

    private static void report(java.util.function.Consumer<String> problems, ConfigurationException e)
            throws ConfigurationException {
        if (problems == null) {
            throw e;
        }
        problems.accept(e.getMessage());
    }

    private static Definition fromMasterCf(MasterCfService service, List<HierarchicalConfiguration<ImmutableNode>> servers)
            throws ConfigurationException {
        String named = SERVICE_JMX_NAMES.get(service.name());
        Optional<ListenAddress> fixed = Optional.empty();
        if (named == null) {
            fixed = Optional.of(fixedAddress(service));
        }
        String jmxName = named != null ? named : service.name();
        int block = blockNamed(servers, jmxName);
        boolean copied = block < 0;
        if (copied) {
            block = blockNamed(servers, "smtpserver");
            if (block < 0) {
                throw new ConfigurationException(service.where() + ": smtpserver.xml has no <smtpserver> block named "
                    + jmxName + " nor one named smtpserver to take this listener's James settings from");
            }
        } else if (!servers.get(block).getBoolean("[@enabled]", true)) {
            throw new ConfigurationException(service.where() + " runs the listener " + jmxName
                + " but smtpserver.xml disables it (enabled=\"false\"): remove the service from master.cf"
                + " or enable the listener in smtpserver.xml");
        }
        Map<String, String> overrides = new LinkedHashMap<>(service.overrides());
        if (!copied) {
            for (Map.Entry<String, String> xml : xmlOverrides(servers.get(block), jmxName).entrySet()) {
                String fromMaster = overrides.get(xml.getKey());
                if (fromMaster != null && !fromMaster.equals(xml.getValue())) {
                    throw new ConfigurationException("listener " + jmxName + ": " + xml.getKey() + " is \"" + fromMaster
                        + "\" in " + service.where() + " but \"" + xml.getValue() + "\" in " + xmlWhere(jmxName)
                        + ": set it in one file only");
                }
                overrides.putIfAbsent(xml.getKey(), xml.getValue());
            }
        }
        return new Definition(jmxName, block, copied, Optional.ofNullable(named).map(LISTENERS::get), fixed,
            overrides, service.where() + (copied ? "" : " and " + xmlWhere(jmxName)), true,
            service.command().equals("postscreen"));
    }

    /** A {@code host:port} service name, or a bare port on every IPv4 address (Postfix: every inet_interfaces). */
    private static ListenAddress fixedAddress(MasterCfService service) throws ConfigurationException {
        String name = PORT.matcher(service.name()).matches() ? "0.0.0.0:" + service.name() : service.name();
        try {
            return ListenAddress.parse(service.where(), name).orElseThrow();
        } catch (IllegalArgumentException e) {
            throw new ConfigurationException(e.getMessage() + " (an inet service is named smtp, submission, smtps,"
                + " host:port or port)", e);
        }
    }

    private static int blockNamed(List<HierarchicalConfiguration<ImmutableNode>> servers, String jmxName) {
        for (int i = 0; i < servers.size(); i++) {
            if (servers.get(i).getString("jmxName", "").equals(jmxName)) {
                return i;
            }
        }
        return -1;
    }

    /**
     * A block's jmxName: one of Postern's three, or with master.cf the name of one of its
     * {@code host:port} listeners (to give that listener James settings of its own).
     */
    static String xmlJmxName(HierarchicalConfiguration<ImmutableNode> server, int index, MasterCf master)
            throws ConfigurationException {
        String jmxName = server.getString("jmxName", "");
        if (LISTENERS.containsKey(jmxName)) {
            return jmxName;
        }
        boolean masterCfListener = master.withRole(MasterCfService.Role.LISTENER).stream()
            .anyMatch(service -> service.name().equals(jmxName));
        if (masterCfListener) {
            return jmxName;
        }
        throw new ConfigurationException("smtpserver.xml: listener " + (index + 1) + " has jmxName \"" + jmxName
            + "\"; Postern knows " + LISTENERS.keySet() + " (each bound through its postern_*_listen parameter)"
            + (master.isPresent() ? " and the host:port listeners of master.cf" : ""));
    }

    static String xmlWhere(String jmxName) {
        return "smtpserver.xml: listener " + jmxName;
    }

    /** A block's {@code <override>} elements, each {@code name = value}. */
    static Map<String, String> xmlOverrides(HierarchicalConfiguration<ImmutableNode> server, String jmxName)
            throws ConfigurationException {
        Map<String, String> overrides = new LinkedHashMap<>();
        for (String override : server.getStringArray("override")) {
            int equals = override.indexOf('=');
            if (equals <= 0) {
                throw new ConfigurationException(xmlWhere(jmxName) + ": <override>" + override
                    + "</override>: expected name = value, as master.cf's -o name=value");
            }
            overrides.put(override.substring(0, equals).trim(), override.substring(equals + 1).trim());
        }
        return overrides;
    }

    /** A deep copy of a block, as a new node (the configuration's node model tells nodes apart by identity). */
    static ImmutableNode copy(ImmutableNode node) {
        ImmutableNode.Builder builder = new ImmutableNode.Builder().name(node.getNodeName()).value(node.getValue())
            .addAttributes(node.getAttributes());
        for (ImmutableNode child : node.getChildren()) {
            builder.addChild(copy(child));
        }
        return builder.create();
    }
}
