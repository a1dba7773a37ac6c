package dev.postern.dns;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;

import org.xbill.DNS.AAAARecord;
import org.xbill.DNS.ARecord;
import org.xbill.DNS.Cache;
import org.xbill.DNS.DClass;
import org.xbill.DNS.ExtendedResolver;
import org.xbill.DNS.Lookup;
import org.xbill.DNS.MXRecord;
import org.xbill.DNS.NSRecord;
import org.xbill.DNS.Name;
import org.xbill.DNS.PTRRecord;
import org.xbill.DNS.Record;
import org.xbill.DNS.Resolver;
import org.xbill.DNS.ResolverConfig;
import org.xbill.DNS.SimpleResolver;
import org.xbill.DNS.TLSARecord;
import org.xbill.DNS.TXTRecord;
import org.xbill.DNS.TextParseException;
import org.xbill.DNS.Type;

import dev.postern.address.HostSyntax;

/**
 * {@link DnsLookup} with dnsjava, asking the servers of {@code postern_dns_servers} (each
 * with its own port, which James's DNS service cannot do) or, when there are none, the
 * servers of /etc/resolv.conf. Answers, negative ones included, are cached for their TTL in
 * a cache of this instance (never dnsjava's process-wide default cache, which would mix
 * answers from different servers). The hosts file is not consulted: Postfix's DNS checks
 * ask DNS itself.
 */
public final class DnsjavaLookup implements DnsLookup {
    /** As resolv.conf's defaults: 5 seconds per attempt, 2 attempts per server. */
    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(5);
    public static final int DEFAULT_ATTEMPTS = 2;

    private final Resolver resolver;
    private final Cache cache = new Cache(DClass.IN);
    private final String description;

    /**
     * @param servers  where to send queries; empty for the system's resolver configuration
     * @param timeout  how long one attempt at one server may take
     * @param attempts how many times each server is tried before the answer is a temporary failure
     *                 (the query as a whole gives up after timeout x attempts x servers)
     */
    public DnsjavaLookup(List<DnsServer> servers, Duration timeout, int attempts) {
        this.resolver = resolver(servers, timeout, attempts);
        this.description = addresses(servers).toString();
    }

    /** The servers of {@code postern_dns_servers}, or of /etc/resolv.conf when there are none. */
    static List<InetSocketAddress> addresses(List<DnsServer> servers) {
        return servers.isEmpty()
            ? ResolverConfig.getCurrentConfig().servers()
            : servers.stream().map(DnsServer::socketAddress).toList();
    }

    /** One resolver over the servers, each tried {@code attempts} times for {@code timeout}. */
    static Resolver resolver(List<DnsServer> servers, Duration timeout, int attempts) {
        List<Resolver> resolvers = new ArrayList<>();
        for (InetSocketAddress address : addresses(servers)) {
            SimpleResolver simple = new SimpleResolver(address);
            simple.setTimeout(timeout);
            resolvers.add(simple);
        }
        ExtendedResolver extended = new ExtendedResolver(resolvers);
        // dnsjava's ExtendedResolver timeout bounds the whole query, over every attempt at every server.
        extended.setTimeout(timeout.multipliedBy((long) Math.max(attempts, 1) * Math.max(resolvers.size(), 1)));
        extended.setRetries(Math.max(attempts, 1));
        return extended;
    }

    public DnsjavaLookup(List<DnsServer> servers) {
        this(servers, DEFAULT_TIMEOUT, DEFAULT_ATTEMPTS);
    }

    @Override
    public DnsAnswer query(String name, DnsType type) {
        Name absolute;
        try {
            absolute = Name.fromString(name.endsWith(".") ? name : name + ".");
        } catch (TextParseException e) {
            // Not a name DNS can be asked about: it cannot exist.
            return DnsAnswer.noSuchName("malformed name " + name + ": " + e.getMessage());
        }
        Lookup lookup = new Lookup(absolute, typeCode(type), DClass.IN);
        lookup.setResolver(resolver);
        lookup.setCache(cache);
        lookup.setHostsFileParser(null);
        Record[] records = lookup.run();
        String what = "name=" + name + " type=" + type;
        return switch (lookup.getResult()) {
            case Lookup.SUCCESSFUL -> values(records, type);
            case Lookup.HOST_NOT_FOUND -> DnsAnswer.noSuchName("Host not found, " + what);
            case Lookup.TYPE_NOT_FOUND -> DnsAnswer.noData("No data, " + what);
            default -> DnsAnswer.temporaryFailure(lookup.getErrorString() + ", " + what + " (servers " + description + ")");
        };
    }

    static DnsAnswer values(Record[] records, DnsType type) {
        List<String> values = new ArrayList<>();
        List<Integer> preferences = new ArrayList<>();
        // The SMTP client tries MX hosts in preference order and DnsAnswer carries no
        // preferences, so the order of the values is the preference. dnsjava rotates the
        // records of a cached answer on each use, so the order must be restored every time.
        List<Record> ordered = new ArrayList<>(List.of(records));
        ordered.sort(Comparator.comparingInt(r -> r instanceof MXRecord mx ? mx.getPriority() : 0));
        for (Record record : ordered) {
            if (record instanceof ARecord a) {
                values.add(a.getAddress().getHostAddress());
            } else if (record instanceof AAAARecord aaaa) {
                values.add(HostSyntax.canonicalAddress(aaaa.getAddress().getHostAddress()));
            } else if (record instanceof MXRecord mx) {
                values.add(hostName(mx.getTarget()));
                preferences.add(mx.getPriority());
            } else if (record instanceof NSRecord ns) {
                values.add(hostName(ns.getTarget()));
            } else if (record instanceof PTRRecord ptr) {
                values.add(hostName(ptr.getTarget()));
            } else if (record instanceof TXTRecord txt) {
                values.add(String.join("", txt.getStrings()));
            } else if (record instanceof TLSARecord tlsa) {
                values.add(tlsaText(tlsa));
            }
        }
        if (values.isEmpty()) {
            return DnsAnswer.noData("no " + type + " records in the answer");
        }
        return preferences.size() == values.size() ? DnsAnswer.foundMx(values, preferences) : DnsAnswer.found(values);
    }

    /** A TLSA record as its presentation form: {@code usage selector matching-type hex-data}. */
    private static String tlsaText(TLSARecord tlsa) {
        return tlsa.getCertificateUsage() + " " + tlsa.getSelector() + " " + tlsa.getMatchingType() + " "
            + java.util.HexFormat.of().formatHex(tlsa.getCertificateAssociationData());
    }

    /** Without the trailing dot; the root (the null MX's exchange) becomes empty. */
    private static String hostName(Name name) {
        String text = name.toString(true);
        return name.equals(Name.root) ? "" : text.toLowerCase(Locale.ROOT);
    }

    static int typeCode(DnsType type) {
        return switch (type) {
            case A -> Type.A;
            case AAAA -> Type.AAAA;
            case MX -> Type.MX;
            case NS -> Type.NS;
            case TXT -> Type.TXT;
            case PTR -> Type.PTR;
            case TLSA -> Type.TLSA;
        };
    }

    @Override
    public String toString() {
        return "DnsjavaLookup" + description;
    }
}
