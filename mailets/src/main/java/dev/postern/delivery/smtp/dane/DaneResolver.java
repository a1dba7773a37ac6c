package dev.postern.delivery.smtp.dane;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

import dev.postern.address.HostSyntax;
import dev.postern.config.ComponentParameters;
import dev.postern.dns.DnsAnswer;
import dev.postern.dns.DnsServer;
import dev.postern.dns.DnsType;
import dev.postern.dns.DnsjavaDnssecLookup;
import dev.postern.dns.DnssecLookup;
import dev.postern.dns.ValidatedAnswer;

/**
 * Finds the DANE verdict of one server of a next hop (RFC 7672 section 2): the TLSA base domain
 * is the MX host name when the MX RRset validated (the next-hop domain itself when it has no MX,
 * or when the hop is {@code [host]}), the host's address records must validate too, and the
 * TLSA records of {@code _port._tcp.base} decide. Anything not validated (an unsigned zone, an
 * insecure MX RRset, no TLSA records) is no DANE; a TLSA lookup that fails or is bogus defers,
 * since a server that publishes TLSA records must not lose them to an attacker who blocks the
 * lookup. CNAME expansion of the MX host is not followed: the MX host name is the base domain.
 */
public final class DaneResolver {
    private final DnssecLookup dns;

    public DaneResolver(DnssecLookup dns) {
        this.dns = Objects.requireNonNull(dns, "dns");
    }

    /**
     * The validating DNS of {@code smtp_dns_support_level = dnssec}: the servers of
     * {@code postern_dns_servers} and the trust anchors of {@code postern_dnssec_trust_anchor_file};
     * empty at the other levels.
     *
     * @throws IllegalArgumentException naming the parameter with a bad value
     */
    public static Optional<DnssecLookup> dnssecLookup(ComponentParameters parameters) {
        String level = parameters.get("smtp_dns_support_level").trim().toLowerCase(Locale.ROOT);
        switch (level) {
            case "", "disabled", "enabled":
                return Optional.empty();
            case "dnssec":
                break;
            default:
                throw new IllegalArgumentException("smtp_dns_support_level: unknown value \"" + level
                    + "\" (expected disabled, enabled or dnssec)");
        }
        String anchors = parameters.get("postern_dnssec_trust_anchor_file").trim();
        if (anchors.isEmpty() || !Files.isReadable(Path.of(anchors))) {
            throw new IllegalArgumentException("postern_dnssec_trust_anchor_file: smtp_dns_support_level = dnssec needs"
                + " DNSSEC trust anchors, and \"" + anchors + "\" is not a readable file (install dns-root-data for"
                + " /usr/share/dns/root.key, or name a file of DS or DNSKEY records)");
        }
        List<DnsServer> servers = DnsServer.parseList("postern_dns_servers", parameters.get("postern_dns_servers"));
        return Optional.of(new DnsjavaDnssecLookup(servers, Path.of(anchors), "postern_dnssec_trust_anchor_file"));
    }

    /**
     * @param hopHost  the next hop's domain or host, lower case
     * @param viaMx    whether {@code hostname} was found as an MX host of {@code hopHost}
     * @param hostname the server's host name
     * @param address  the address connected to (its family selects A or AAAA)
     * @param port     the TCP port, the TLSA record's {@code _port._tcp}
     * @param relay    {@code host[address]:port}, for texts
     */
    public DaneVerdict verdict(String hopHost, boolean viaMx, String hostname, String address, int port, String relay) {
        String host = hostname.toLowerCase(Locale.ROOT);
        if (HostSyntax.isValidHostAddress(host)) {
            return DaneVerdict.noDane("next hop " + host + " is an address, which has no TLSA records");
        }
        String base = host;
        if (viaMx && !host.equals(hopHost)) {
            ValidatedAnswer mx = dns.queryValidated(hopHost, DnsType.MX);
            if (mx.answer().isTemporaryFailure()) {
                return DaneVerdict.defer("MX lookup error for " + hopHost + ": " + mx.answer().reason());
            }
            if (!mx.secure() || !mx.answer().values().contains(host)) {
                return DaneVerdict.noDane("the MX records of " + hopHost + " are not DNSSEC-validated");
            }
        }
        DnsType addressType = address.indexOf(':') >= 0 ? DnsType.AAAA : DnsType.A;
        ValidatedAnswer addresses = dns.queryValidated(host, addressType);
        if (addresses.answer().isTemporaryFailure()) {
            return DaneVerdict.defer("address lookup error for " + host + ": " + addresses.answer().reason());
        }
        if (!addresses.secure()) {
            return DaneVerdict.noDane("the " + addressType + " records of " + host + " are not DNSSEC-validated");
        }
        String tlsaName = "_" + port + "._tcp." + base;
        ValidatedAnswer tlsa = dns.queryValidated(tlsaName, DnsType.TLSA);
        if (tlsa.answer().isTemporaryFailure()) {
            return DaneVerdict.defer("TLSA lookup error for " + tlsaName + ": " + tlsa.answer().reason());
        }
        if (!tlsa.secure() || !tlsa.answer().isFound()) {
            return DaneVerdict.noDane("no DNSSEC-validated TLSA records for " + tlsaName);
        }
        List<TlsaRecord> usable = new ArrayList<>();
        for (String text : tlsa.answer().values()) {
            TlsaRecord.parse(text).filter(TlsaRecord::usable).ifPresent(usable::add);
        }
        if (usable.isEmpty()) {
            // RFC 7672 2.2: TLSA records that are all unusable still mean the server does TLS.
            return DaneVerdict.encrypt("TLSA records of " + tlsaName + " are all unusable (usage 0 or 1, or unknown"
                + " parameters): TLS without authentication");
        }
        Set<String> references = new LinkedHashSet<>(List.of(base, host));
        DaneTrustManager trust = new DaneTrustManager(usable, references, tlsaName, relay);
        return DaneVerdict.authenticate(trust, usable.size() + " usable TLSA records of " + tlsaName);
    }
}
