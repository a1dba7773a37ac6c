package dev.postern.delivery.route;

import java.util.Optional;
import java.util.Set;
import java.util.function.Function;

import org.apache.james.core.MailAddress;
import org.apache.james.core.MaybeSender;

import dev.postern.address.AddressClass;
import dev.postern.address.AddressClassifier;
import dev.postern.config.ComponentParameters;
import dev.postern.tables.LookupException;
import dev.postern.tables.LookupTable;
import dev.postern.tables.TableSearch;

/**
 * The resolve step of Postfix's trivial-rewrite: the address class and the route
 * {@code transport:nexthop} of one recipient, from the class transports ({@code local_transport},
 * {@code virtual_transport}, {@code relay_transport}, {@code default_transport} or
 * {@code sender_dependent_default_transport_maps}), the next-hop settings ({@code relayhost},
 * {@code sender_dependent_relayhost_maps}) and {@code transport_maps}, which overrides both.
 *
 * <p>Next hop precedence for the relay and default classes: {@code transport_maps} &gt;
 * {@code :nexthop} written in the class transport &gt; {@code sender_dependent_relayhost_maps}
 * &gt; {@code relayhost} &gt; the recipient domain. The local and virtual mailbox classes take the
 * recipient domain unless their transport or {@code transport_maps} names a next hop. An address
 * left in a virtual alias domain after alias expansion has no mailbox: it goes to
 * {@code error:5.1.1 User unknown in virtual alias table}, whatever {@code transport_maps} says.
 *
 * <p>Tables are opened once, at construction; {@link #resolve} runs per recipient per message and
 * only searches them. A table that cannot be searched makes {@link #resolve} throw: the route is
 * then unknown, and the caller defers the recipient.
 */
public final class RouteResolver {
    /** What trivial-rewrite answers for an address left in a virtual alias domain. */
    public static final Route VIRTUAL_ALIAS_UNKNOWN = new Route("error", "5.1.1 User unknown in virtual alias table");

    /** The next hop Postfix gives {@code error:} and {@code retry:} entries written without a text. */
    public static final String UNDELIVERABLE = "Address is undeliverable";

    private static final Set<String> ERROR_TRANSPORTS = Set.of("error", "retry");

    private final AddressClassifier classifier;
    private final ClassTransport local;
    private final ClassTransport virtual;
    private final ClassTransport relay;
    private final ClassTransport defaultTransport;
    private final String relayhost;
    private final TransportMap transportMap;
    private final SenderDependentMap senderRelayhosts;
    private final SenderDependentMap senderDefaultTransports;

    /**
     * @param parameters the main.cf parameters of the component that routes, by their Postfix names
     * @param tables     opens a {@code type:name} table ({@code PosternEnvironment::openTable})
     * @param classifier the address classes, shared with the relay restrictions
     * @throws IllegalArgumentException naming the parameter, for a class transport without a
     *                                  transport name, or a table that cannot be opened
     */
    public RouteResolver(ComponentParameters parameters, Function<String, LookupTable> tables, AddressClassifier classifier) {
        this.classifier = classifier;
        this.local = ClassTransport.of("local_transport", parameters.get("local_transport"));
        this.virtual = ClassTransport.of("virtual_transport", parameters.get("virtual_transport"));
        this.relay = ClassTransport.of("relay_transport", parameters.get("relay_transport"));
        this.defaultTransport = ClassTransport.of("default_transport", parameters.get("default_transport"));
        this.relayhost = parameters.get("relayhost").trim();
        this.transportMap = new TransportMap(
            TableSearch.open(TransportMap.PARAMETER, parameters.list(TransportMap.PARAMETER), tables),
            parameters.get("recipient_delimiter"));
        this.senderRelayhosts = new SenderDependentMap(TableSearch.open("sender_dependent_relayhost_maps",
            parameters.list("sender_dependent_relayhost_maps"), tables));
        this.senderDefaultTransports = new SenderDependentMap(TableSearch.open("sender_dependent_default_transport_maps",
            parameters.list("sender_dependent_default_transport_maps"), tables));
    }

    /**
     * @param recipient a recipient after rewriting and virtual alias expansion
     * @param sender    the envelope sender, for the sender-dependent tables
     * @throws LookupException naming the parameter and table whose search failed, or the
     *                         sender-dependent default transport entry that names no transport
     */
    public RecipientRoute resolve(MailAddress recipient, MaybeSender sender) throws LookupException {
        String domain = Domains.of(recipient);
        AddressClass addressClass = classifier.classify(domain);
        if (addressClass == AddressClass.VIRTUAL_ALIAS) {
            return new RecipientRoute(VIRTUAL_ALIAS_UNKNOWN, addressClass);
        }
        Route route = classRoute(addressClass, domain, sender);
        Optional<Route.Parsed> entry = transportMap.find(recipient.getLocalPart(), domain);
        if (entry.isPresent()) {
            route = override(route, entry.get(), domain);
        }
        return new RecipientRoute(route, addressClass);
    }

    private Route classRoute(AddressClass addressClass, String domain, MaybeSender sender) throws LookupException {
        return switch (addressClass) {
            case LOCAL -> local.route(domain);
            case VIRTUAL_MAILBOX -> virtual.route(domain);
            case RELAY -> forwarded(relay, sender, domain);
            case DEFAULT -> forwarded(senderDefaultTransport(sender), sender, domain);
            case VIRTUAL_ALIAS -> VIRTUAL_ALIAS_UNKNOWN;
        };
    }

    private ClassTransport senderDefaultTransport(MaybeSender sender) throws LookupException {
        Optional<TableSearch.Hit> hit = senderDefaultTransports.find(sender);
        if (hit.isEmpty()) {
            return defaultTransport;
        }
        Route.Parsed parsed = Route.parse(hit.get().value());
        if (parsed.transport().isEmpty()) {
            // A broken entry is a configuration error, not a route: the recipient waits for the fix.
            throw new LookupException(hit.get().where(senderDefaultTransports.parameter()) + ": value \""
                + hit.get().value() + "\" names no transport (expected transport or transport:nexthop)");
        }
        return new ClassTransport(parsed.transport().get(), parsed.nexthop().filter(n -> !n.isEmpty()));
    }

    /**
     * Relay and default classes: the next hop written in the transport, else
     * sender_dependent_relayhost_maps, relayhost, the recipient domain (searched only when needed).
     */
    private Route forwarded(ClassTransport transport, MaybeSender sender, String domain) throws LookupException {
        if (transport.nexthop().isPresent()) {
            return new Route(transport.transport(), transport.nexthop().get());
        }
        return new Route(transport.transport(), relayhost(sender, domain));
    }

    private String relayhost(MaybeSender sender, String domain) throws LookupException {
        Optional<TableSearch.Hit> hit = senderRelayhosts.find(sender);
        if (hit.isPresent()) {
            return hit.get().value().trim();
        }
        return relayhost.isEmpty() ? domain : relayhost;
    }

    /**
     * A transport(5) result applied to the class's route: {@code :} changes nothing,
     * {@code :nexthop} only the next hop, {@code transport} and {@code transport:} give that
     * transport with the recipient domain, {@code transport:nexthop} both.
     */
    private static Route override(Route route, Route.Parsed entry, String domain) {
        Optional<String> nexthop = entry.nexthop().filter(n -> !n.isEmpty());
        if (entry.transport().isEmpty()) {
            return nexthop.map(route::withNexthop).orElse(route);
        }
        String transport = entry.transport().get();
        return new Route(transport, nexthop.orElse(ERROR_TRANSPORTS.contains(transport) ? UNDELIVERABLE : domain));
    }

    /** A {@code *_transport} value: the transport, and the next hop when one is written after a colon. */
    private record ClassTransport(String transport, Optional<String> nexthop) {

        static ClassTransport of(String parameter, String value) {
            Route.Parsed parsed = Route.parse(value);
            if (parsed.transport().isEmpty()) {
                throw new IllegalArgumentException(parameter + " = \"" + value
                    + "\": names no transport (expected transport or transport:nexthop, such as smtp or relay:[gw]:25)");
            }
            return new ClassTransport(parsed.transport().get(), parsed.nexthop().filter(n -> !n.isEmpty()));
        }

        /** Local and virtual: the written next hop, else the recipient domain. */
        Route route(String domain) {
            return new Route(transport, nexthop.orElse(domain));
        }
    }
}
