package dev.postern.qmgr;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

import dev.postern.config.ComponentParameters;
import dev.postern.config.ConfigException;
import dev.postern.config.MasterCf;
import dev.postern.config.MasterCfService;
import dev.postern.delivery.Courier;

/**
 * The transports of master.cf: each {@code unix} service running one of Postern's delivery agents
 * (smtp, lmtp, local, virtual, pipe, error, discard) becomes a courier under the service's name, so
 * {@code transport_maps}, {@code *_transport} and {@code content_filter} can name it, with the
 * service's {@code -o name=value} settings applied to that courier alone.
 *
 * <p>A service that is one of Postern's built-in transports as it is (same name, same program, no
 * {@code -o}) keeps the built-in courier, so Debian's master.cf changes nothing; built-in transports
 * master.cf does not list stay available.
 */
final class MasterCfTransports {

    /** Makes the courier of one master.cf service from the parameters it runs with. */
    @FunctionalInterface
    interface Agents {
        Courier create(MasterCfService service, ComponentParameters parameters) throws ConfigException;
    }

    /** The built-in transports and the program each runs, as master.cf would write them. */
    static final Map<String, String> BUILT_IN_COMMANDS = Map.of("smtp", "smtp", "relay", "smtp", "lmtp", "lmtp",
        "local", "local", "virtual", "virtual", "error", "error", "retry", "error", "discard", "discard");

    private MasterCfTransports() {
    }

    /**
     * @param builtIns          the couriers by transport name without master.cf
     * @param base              main.cf (with the component's own settings) that the services' -o apply to
     * @param instanceOverrides the component's own settings (XML init parameters), which a service's -o beats
     * @param component         names the component in errors
     * @return {@code builtIns} with master.cf's transports added or replacing them; every courier made
     *         here that holds resources is also added to {@code closeables}
     */
    static Map<String, Courier> couriers(MasterCf master, Map<String, Courier> builtIns, ComponentParameters base,
                                         Function<String, Optional<String>> instanceOverrides, String component,
                                         Agents agents, List<AutoCloseable> closeables) throws ConfigException {
        Map<String, Courier> couriers = new HashMap<>(builtIns);
        for (MasterCfService service : master.withRole(MasterCfService.Role.TRANSPORT)) {
            if (isBuiltInAsItIs(service, builtIns)) {
                continue;
            }
            ComponentParameters parameters = parameters(service, base, instanceOverrides, component);
            Courier courier;
            try {
                courier = agents.create(service, parameters);
            } catch (IllegalArgumentException e) {
                throw new ConfigException(service.where() + ": " + e.getMessage(), e);
            }
            if (courier instanceof AutoCloseable closeable) {
                closeables.add(closeable);
            }
            couriers.put(service.name(), courier);
        }
        return couriers;
    }

    private static boolean isBuiltInAsItIs(MasterCfService service, Map<String, Courier> builtIns) {
        return builtIns.containsKey(service.name()) && service.overrides().isEmpty() && service.arguments().isEmpty()
            && service.command().equals(BUILT_IN_COMMANDS.get(service.name()));
    }

    /** main.cf with the service's -o on top; the component's own settings apply only where -o is silent. */
    static ComponentParameters parameters(MasterCfService service, ComponentParameters base,
                                          Function<String, Optional<String>> instanceOverrides, String component)
            throws ConfigException {
        return ComponentParameters.of(base.mainCf().withOverrides(service.overrides(), service.where()),
            name -> service.overrides().containsKey(name) ? Optional.empty() : instanceOverrides.apply(name), component);
    }
}
