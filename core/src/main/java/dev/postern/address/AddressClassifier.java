package dev.postern.address;

import java.io.IOException;
import java.net.InetAddress;
import java.net.NetworkInterface;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;

import dev.postern.config.PostfixList;
import dev.postern.tables.LookupException;
import dev.postern.tables.LookupTable;

/**
 * The address class of a resolved address's domain, tested in Postfix's order
 * ({@code resolve.c}): local, virtual alias, virtual mailbox, relay, default. The one place
 * that decides which domains this server is a final destination or a relay for, shared by the
 * relay restrictions and by routing.
 */
public final class AddressClassifier {
    private final DomainMatchList mydestination;
    private final Set<InetAddress> ownAddresses;
    private final DomainMatchList virtualAliasDomains;
    private final DomainMatchList virtualMailboxDomains;
    private final AddressResolver.DomainTest runtimeDomains;
    private final DomainMatchList relayDomains;

    /**
     * @param ownAddresses   the addresses of {@code inet_interfaces} and {@code proxy_interfaces}
     *                       ({@link #ownAddresses}): {@code user@[one of them]} is local
     * @param runtimeDomains domains added at run time (WebAdmin), in the virtual mailbox class
     */
    public AddressClassifier(DomainMatchList mydestination, Set<InetAddress> ownAddresses, DomainMatchList virtualAliasDomains,
            DomainMatchList virtualMailboxDomains, AddressResolver.DomainTest runtimeDomains, DomainMatchList relayDomains) {
        this.mydestination = mydestination;
        this.ownAddresses = Set.copyOf(ownAddresses);
        this.virtualAliasDomains = virtualAliasDomains;
        this.virtualMailboxDomains = virtualMailboxDomains;
        this.runtimeDomains = runtimeDomains;
        this.relayDomains = relayDomains;
    }

    /**
     * Builds the lists from parameters by their Postfix names: {@code mydestination},
     * {@code virtual_alias_domains}, {@code virtual_mailbox_domains}, {@code relay_domains},
     * {@code parent_domain_matches_subdomains}.
     *
     * @param value  the effective value of a parameter ({@code mainCf::get})
     * @param tables opens the {@code type:name} items of those lists
     */
    public static AddressClassifier fromParameters(Function<String, String> value, Set<InetAddress> ownAddresses,
            Function<String, LookupTable> tables, AddressResolver.DomainTest runtimeDomains) {
        List<String> parentStyle = PostfixList.split(value.apply("parent_domain_matches_subdomains"));
        return new AddressClassifier(
            DomainMatchList.domains("mydestination", PostfixList.split(value.apply("mydestination")),
                ParentStyle.of(parentStyle, "mydestination"), tables),
            ownAddresses,
            DomainMatchList.strings("virtual_alias_domains", PostfixList.split(value.apply("virtual_alias_domains")), tables),
            DomainMatchList.strings("virtual_mailbox_domains", PostfixList.split(value.apply("virtual_mailbox_domains")), tables),
            runtimeDomains,
            DomainMatchList.domains("relay_domains", PostfixList.split(value.apply("relay_domains")),
                ParentStyle.of(parentStyle, "relay_domains"), tables));
    }

    /**
     * @param domain a resolved address's domain: a name or an {@code [address]} literal
     * @throws LookupException when a table of one of the lists could not be searched
     */
    public AddressClass classify(String domain) throws LookupException {
        String name = normalize(domain);
        if (isLocal(name)) {
            return AddressClass.LOCAL;
        }
        if (virtualAliasDomains.matches(name)) {
            return AddressClass.VIRTUAL_ALIAS;
        }
        if (virtualMailboxDomains.matches(name) || (!name.isEmpty() && runtimeDomains.test(name))) {
            return AddressClass.VIRTUAL_MAILBOX;
        }
        if (relayDomains.matches(name)) {
            return AddressClass.RELAY;
        }
        return AddressClass.DEFAULT;
    }

    public AddressClass classify(ResolvedAddress address) throws LookupException {
        return classify(address.domain());
    }

    /**
     * The local class: a {@code mydestination} domain, or a literal of one of this server's
     * own addresses. Usable as {@link AddressResolver}'s {@code isLocalDomain}.
     */
    public boolean isLocal(String domain) throws LookupException {
        String name = normalize(domain);
        if (name.isEmpty()) {
            return false;
        }
        if (mydestination.matches(name)) {
            return true;
        }
        Optional<InetAddress> literal = HostSyntax.literalAddress(name);
        return literal.isPresent() && ownAddresses.contains(literal.get());
    }

    /** Whether the address is one of this server's own ({@code inet_interfaces}, {@code proxy_interfaces}). */
    public boolean isOwnAddress(InetAddress address) {
        return ownAddresses.contains(address);
    }

    private static String normalize(String domain) {
        String name = domain.trim().toLowerCase(Locale.ROOT);
        return name.endsWith(".") && !name.endsWith("..") ? name.substring(0, name.length() - 1) : name;
    }

    /**
     * This server's own addresses as Postfix counts them for {@code user@[address]}:
     * {@code inet_interfaces} ({@code all}: every address of every interface;
     * {@code loopback-only}: 127.0.0.1 and ::1; else addresses or names) plus
     * {@code proxy_interfaces} (addresses or names, such as a NAT's public address).
     * Names are looked up in DNS, once, as Postfix does at startup.
     */
    public static Set<InetAddress> ownAddresses(List<String> inetInterfaces, List<String> proxyInterfaces)
            throws IOException {
        Set<InetAddress> addresses = new LinkedHashSet<>();
        for (String item : inetInterfaces) {
            switch (item.toLowerCase(Locale.ROOT)) {
                case "all" -> {
                    for (NetworkInterface nic : Collections.list(NetworkInterface.getNetworkInterfaces())) {
                        addresses.addAll(Collections.list(nic.getInetAddresses()));
                    }
                }
                case "loopback-only" -> {
                    addresses.add(HostSyntax.numeric("127.0.0.1"));
                    addresses.add(HostSyntax.numeric("::1"));
                }
                default -> addresses.addAll(hostAddresses(item));
            }
        }
        for (String item : proxyInterfaces) {
            addresses.addAll(hostAddresses(item));
        }
        return addresses;
    }

    private static List<InetAddress> hostAddresses(String item) throws IOException {
        String host = item.startsWith("[") && item.endsWith("]") ? item.substring(1, item.length() - 1) : item;
        if (HostSyntax.isValidHostAddress(host)) {
            return List.of(HostSyntax.numeric(host));
        }
        return List.of(InetAddress.getAllByName(host));
    }
}
