package dev.postern.dns;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.function.Consumer;

import dev.postern.address.HostSyntax;

/**
 * Finds the client's name as Postfix's smtpd does ({@code smtpd_peer.c}): the reverse
 * (PTR) name, then "forward confirmation": the name's addresses of the client's family must
 * include the client's address, or the name is {@code unknown}. Both steps ask the hosts file
 * first and then DNS, as the C library does for Postfix. Postfix's warnings
 * ({@code hostname NAME does not resolve to address IP...}) go to {@code warnings}.
 */
public final class ClientHostnameResolver {
    private final DnsLookup dns;
    private final HostsFile hosts;

    public ClientHostnameResolver(DnsLookup dns, HostsFile hosts) {
        this.dns = Objects.requireNonNull(dns, "dns");
        this.hosts = Objects.requireNonNull(hosts, "hosts");
    }

    public ClientHostname resolve(InetAddress client, Consumer<String> warnings) {
        String reverse = hosts.nameOf(client).orElse(null);
        if (reverse == null) {
            DnsAnswer ptr = dns.query(DnsNames.pointerName(client), DnsType.PTR);
            if (ptr.isTemporaryFailure()) {
                return ClientHostname.unknown(ClientHostname.Status.TEMPORARY);
            }
            if (!ptr.isFound()) {
                return ClientHostname.unknown(ClientHostname.Status.PERMANENT);
            }
            reverse = ptr.values().get(0);
        }
        reverse = reverse.toLowerCase(Locale.ROOT);
        // A numeric or malformed PTR name is no name: accepting one would let a PTR record
        // such as "10.0.0.1" pass access checks written for that address.
        if (!HostSyntax.isValidHostname(reverse) || HostSyntax.isValidHostAddress(reverse)) {
            return ClientHostname.unknown(ClientHostname.Status.PERMANENT);
        }
        return confirm(client, reverse, warnings);
    }

    private ClientHostname confirm(InetAddress client, String reverse, Consumer<String> warnings) {
        String address = HostSyntax.canonicalAddress(client.getHostAddress());
        List<String> addresses = hosts.addressesOf(reverse);
        if (addresses.isEmpty()) {
            DnsAnswer forward = dns.query(reverse, client instanceof Inet4Address ? DnsType.A : DnsType.AAAA);
            if (!forward.isFound()) {
                // glibc's getaddrinfo() texts, which Postfix logs.
                String why = switch (forward.status()) {
                    case TEMPORARY_FAILURE -> "Temporary failure in name resolution";
                    case NO_DATA -> "No address associated with hostname";
                    default -> "Name or service not known";
                };
                warnings.accept("hostname " + reverse + " does not resolve to address " + address + ": " + why);
                return new ClientHostname(ClientHostname.UNKNOWN, reverse,
                    forward.isTemporaryFailure() ? ClientHostname.Status.TEMPORARY : ClientHostname.Status.PERMANENT,
                    ClientHostname.Status.OK);
            }
            addresses = forward.values();
        }
        boolean confirmed = addresses.stream().map(HostSyntax::canonicalAddress).anyMatch(address::equals);
        if (!confirmed) {
            warnings.accept("hostname " + reverse + " does not resolve to address " + address);
            return new ClientHostname(ClientHostname.UNKNOWN, reverse, ClientHostname.Status.FORGED, ClientHostname.Status.OK);
        }
        return new ClientHostname(reverse, reverse, ClientHostname.Status.OK, ClientHostname.Status.OK);
    }
}
