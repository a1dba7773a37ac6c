package dev.postern.restrictions;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import dev.postern.address.AddressClassifier;
import dev.postern.address.ResolvedAddress;
import dev.postern.dns.ClientHostname;
import dev.postern.dns.DnsAnswer;
import dev.postern.dns.DnsLookup;
import dev.postern.dns.DnsNames;
import dev.postern.dns.DnsType;
import dev.postern.tables.LookupException;
import dev.postern.tables.LookupTable;

/** A configuration, tables and a compact state notation shared by the restriction tests. */
final class Fixtures {
    static final Map<String, String> MAIN_CF = Map.of(
        "mydestination", "example.com",
        "relay_domains", "relay.example.org",
        "virtual_alias_domains", "",
        "virtual_mailbox_domains", "",
        "mynetworks", "127.0.0.0/8, [::1]/128, 192.0.2.0/24",
        "parent_domain_matches_subdomains", "relay_domains,smtpd_access_maps");

    /** One access table for every check: keys of all kinds. */
    static final Map<String, String> ACCESS = Map.ofEntries(
        Map.entry("ok@t.test", "OK"),
        Map.entry("okt@t.test", "OK whatever"),
        Map.entry("relay@t.test", "RELAY"),
        Map.entry("digits@t.test", "1234567"),
        Map.entry("c550@t.test", "550"),
        Map.entry("dunno@t.test", "DUNNO"),
        Map.entry("rej@t.test", "REJECT"),
        Map.entry("rejlower@t.test", "reject"),
        Map.entry("rejtext@t.test", "REJECT go away"),
        Map.entry("rejdsn@t.test", "REJECT 5.1.1 no such user"),
        Map.entry("rejbaddsn@t.test", "REJECT 5.x.1 odd"),
        Map.entry("defer@t.test", "DEFER"),
        Map.entry("defertext@t.test", "DEFER 4.2.2 mailbox full"),
        Map.entry("c450@t.test", "450 try later"),
        Map.entry("c421@t.test", "421 closing"),
        Map.entry("c550dsn@t.test", "550 5.1.7 bad"),
        Map.entry("c550wrong@t.test", "550 4.1.8 mixed"),
        Map.entry("c550only@t.test", "550 5.1.1"),
        Map.entry("c250@t.test", "250 fine"),
        Map.entry("c600@t.test", "600 what"),
        Map.entry("dip@t.test", "DEFER_IF_PERMIT"),
        Map.entry("diptext@t.test", "DEFER_IF_PERMIT 4.7.2 later please"),
        Map.entry("dir@t.test", "DEFER_IF_REJECT"),
        Map.entry("warn@t.test", "WARN look here"),
        Map.entry("info@t.test", "INFO noted"),
        Map.entry("hold@t.test", "HOLD held"),
        Map.entry("discard@t.test", "DISCARD gone"),
        Map.entry("filter@t.test", "FILTER smtp:[127.0.0.1]:10025"),
        Map.entry("filterbad@t.test", "FILTER nocolon"),
        Map.entry("filterempty@t.test", "FILTER"),
        Map.entry("filterother@t.test", "FILTER lmtp:[127.0.0.1]:24"),
        Map.entry("redirect@t.test", "REDIRECT x@y.test"),
        Map.entry("bcc@t.test", "BCC archive@y.test"),
        Map.entry("prepend@t.test", "PREPEND X-Test: yes"),
        Map.entry("restr@t.test", "reject_non_fqdn_sender, permit"),
        Map.entry("restrreject@t.test", "reject"),
        Map.entry("cls@t.test", "strict"),
        Map.entry("loop@t.test", "loop"),
        Map.entry("table@t.test", "check_sender_access test:access"),
        Map.entry("unknown@t.test", "bogus_word"),
        Map.entry("dns@t.test", "reject_rbl_client zen.example"),
        Map.entry("blocked.test", "REJECT"),
        Map.entry("vip@blocked.test", "DUNNO"),
        Map.entry("bad.client.test", "550 5.1.1 go away"),
        Map.entry("defer.client.test", "defer"),
        Map.entry("strict.client.test", "strict"),
        Map.entry("discard.client.test", "DISCARD"),
        Map.entry("198.51.100", "REJECT"),
        Map.entry("bad.test", "REJECT bad helo"),
        Map.entry("h11.test", "REJECT 5.1.1 odd helo"),
        Map.entry("spam@s.test", "REJECT 5.1.1 unknown sender"),
        Map.entry("s12@s.test", "550 5.1.2 x"),
        Map.entry("s15@s.test", "450 4.1.5 y"),
        Map.entry("s13@s.test", "REJECT 5.1.3 z"),
        Map.entry("<>", "REJECT no bounces"),
        // MX, NS and A hosts (check_*_{mx,ns,a}_access)
        Map.entry("mx.bad.test", "REJECT bad MX"),
        Map.entry("ns.bad.test", "REJECT bad NS"),
        Map.entry("mx.ok.test", "OK"),
        Map.entry("mx.dunno.test", "DUNNO"),
        Map.entry("203.0.113.77", "REJECT bad server address"));

    static final Map<String, String> CLASSES = classes();

    /**
     * The fake DNS of the unit tests: "name TYPE" -> comma-separated values; {@code TEMP} is a
     * temporary failure, {@code NODATA} an empty answer, {@code .} the null MX; anything not
     * here does not exist (NXDOMAIN).
     */
    static final Map<String, String> ZONE = zone();

    private static Map<String, String> zone() {
        Map<String, String> zone = new HashMap<>();
        // DNS lists by address: the default client 203.0.113.5, and others
        zone.put("5.113.0.203.rbl.test A", "127.0.0.2");
        zone.put("5.113.0.203.rbl.test TXT", "listed: see https://rbl.test/203.0.113.5");
        zone.put("7.100.51.198.rbl.test A", "127.0.0.10");
        zone.put("55.2.0.192.rbl.test A", "TEMP");
        zone.put("55.2.0.192.wl.test A", "TEMP");
        zone.put(DnsNames.reversed(ip("2001:db8::5")) + ".rbl.test A", "127.0.0.2");
        zone.put("5.113.0.203.zen.test A", "127.0.0.4, 127.0.0.11");
        zone.put("5.113.0.203.zen.test TXT", "first, second");
        zone.put("5.113.0.203.wl.test A", "127.0.10.1");
        // DNS lists by name
        zone.put("sender.test.dbl.test A", "127.0.1.2");
        zone.put("sender.test.dbl.test TXT", "spam domain");
        zone.put("client.test.dbl.test A", "127.0.1.2");
        zone.put("example.com.dbl.test A", "127.0.1.2");
        zone.put("client.test.wl.test A", "127.0.10.1");
        // names that must exist
        zone.put("sender.test MX", "mx.sender.test");
        zone.put("nullmx.test MX", ".");
        zone.put("aonly.test MX", "NODATA");
        zone.put("aonly.test A", "192.0.2.1");
        zone.put("tempmx.test MX", "TEMP");
        zone.put("tempmx.test A", "NODATA");
        zone.put("tempmx2.test MX", "TEMP");
        zone.put("tempmx2.test A", "192.0.2.3");
        zone.put("client.test A", "203.0.113.5");
        zone.put("mxonly.test MX", "mx.elsewhere.test");
        zone.put("temphelo.test A", "TEMP");
        // MX, NS and A hosts
        zone.put("badmx.test MX", "mx.bad.test");
        zone.put("mx.bad.test A", "192.0.2.20");
        zone.put("badaddr.test MX", "mx.badaddr.test");
        zone.put("mx.badaddr.test A", "192.0.2.21");
        zone.put("mx.badaddr.test AAAA", "2001:db8::77, 203.0.113.77");
        zone.put("okmx.test MX", "mx.ok.test");
        zone.put("nomx.test A", "203.0.113.77");
        zone.put("dunnomx.test MX", "mx.dunno.test, mx.bad.test");
        zone.put("badns.test NS", "ns.bad.test");
        // permit_mx_backup: this server is mx.here.test (192.0.2.25) or, by name, mail.postern.test
        zone.put("backup.test MX", "10 mx1.primary.test, 20 mx.here.test");
        zone.put("mx1.primary.test A", "198.51.100.10");
        zone.put("mx.here.test A", "192.0.2.25");
        zone.put("primaryhere.test MX", "10 mx.here.test, 20 mx1.primary.test");
        zone.put("samepref.test MX", "10 mx1.primary.test, 10 mx.here.test");
        zone.put("notus.test MX", "10 mx1.primary.test, 20 mx2.other.test");
        zone.put("mx2.other.test A", "198.51.100.20");
        zone.put("byname.test MX", "10 mx1.primary.test, 20 mail.postern.test");
        zone.put("primtemp.test MX", "10 mx.temp.test, 20 mx.here.test");
        zone.put("mx.temp.test A", "TEMP");
        zone.put("lostmx.test MX", "mx.lost.test");
        return Map.copyOf(zone);
    }

    record FakeDns(Map<String, String> zone) implements DnsLookup {
        @Override
        public DnsAnswer query(String name, DnsType type) {
            String value = zone.get(name.toLowerCase(Locale.ROOT) + " " + type);
            if (value == null) {
                return DnsAnswer.noSuchName("Host not found, name=" + name + " type=" + type);
            }
            return switch (value) {
                case "TEMP" -> DnsAnswer.temporaryFailure("timed out");
                case "NODATA" -> DnsAnswer.noData("no data");
                case "." -> DnsAnswer.found(java.util.List.of(""));
                default -> answer(value.split(",\\s*"));
            };
        }
    }

    /** "10 mx.a.test, 20 mx.b.test": an MX answer with preferences; otherwise the values as they are. */
    private static DnsAnswer answer(String[] items) {
        if (!items[0].matches("\\d+ .+")) {
            return DnsAnswer.found(java.util.List.of(items));
        }
        java.util.List<String> hosts = new java.util.ArrayList<>();
        java.util.List<Integer> preferences = new java.util.ArrayList<>();
        for (String item : items) {
            String[] parts = item.split(" ", 2);
            preferences.add(Integer.parseInt(parts[0]));
            hosts.add(parts[1]);
        }
        return DnsAnswer.foundMx(hosts, preferences);
    }

    private Fixtures() {
    }

    private static Map<String, String> classes() {
        Map<String, String> classes = new LinkedHashMap<>();
        classes.put("strict", "reject_non_fqdn_sender, reject");
        classes.put("okclass", "permit");
        classes.put("loop", "loop");
        // d1 → d2 → ... → d99 → permit: 100 levels with the list itself; e1 ... e100: 101.
        for (int i = 1; i < 99; i++) {
            classes.put("d" + i, "d" + (i + 1));
        }
        classes.put("d99", "permit");
        for (int i = 1; i < 100; i++) {
            classes.put("e" + i, "e" + (i + 1));
        }
        classes.put("e100", "permit");
        return classes;
    }

    record MapTable(String name, Map<String, String> entries) implements LookupTable {
        @Override
        public Optional<String> lookup(String key) {
            return Optional.ofNullable(entries.get(key.toLowerCase(Locale.ROOT)));
        }

        @Override
        public boolean isPattern() {
            return false;
        }
    }

    record FailingTable(String name) implements LookupTable {
        @Override
        public Optional<String> lookup(String key) throws LookupException {
            throw new LookupException(name + ": lookup failed");
        }

        @Override
        public boolean isPattern() {
            return false;
        }
    }

    static LookupTable table(String spec) {
        return switch (spec) {
            case "test:access" -> new MapTable(spec, ACCESS);
            case "test:empty" -> new MapTable(spec, Map.of());
            case "test:reverse" -> new MapTable(spec, Map.of("bad.reverse.test", "REJECT bad reverse name",
                "okrev.test", "OK", "192.0.2.88", "REJECT bad address"));
            case "test:logins" -> new MapTable(spec, Map.of(
                "s@sender.test", "alice, Bob", "shared@sender.test", "carol", "@team.test", "dave"));
            case "test:fail" -> new FailingTable(spec);
            case "test:valias" -> new MapTable(spec, Map.of("known@valias.test", "bob@local.test",
                "alias@local.test", "bob@local.test", "@catch.valias.test", "bob@local.test"));
            case "test:canonical" -> new MapTable(spec, Map.of("canon@local.test", "bob@local.test"));
            case "test:relayrcpt" -> new MapTable(spec, Map.of("known@relay.example.org", "OK"));
            case "test:rblreply" -> new MapTable(spec, Map.of(
                "rbl.test", "550 5.7.9 Go away, $client_address ($rbl_reason)",
                "zen.test=127.0.0.[4;10]", "$rbl_code Listed by $rbl_domain ($rbl_txt) for $rbl_class $rbl_what",
                "dbl.test", "no code here"));
            default -> throw new IllegalArgumentException("unsupported table " + spec);
        };
    }

    static RestrictionConfig config() {
        return config(Map.of());
    }

    static RestrictionConfig config(Map<String, String> overrides) {
        Map<String, String> parameters = new HashMap<>(MAIN_CF);
        parameters.putAll(overrides);
        AddressClassifier classifier = AddressClassifier.fromParameters(parameters::get, Set.of(), Fixtures::table, d -> false);
        return new RestrictionConfig(parameters::get, CLASSES, Fixtures::table, classifier, new FakeDns(ZONE));
    }

    /** As {@link #config(Map)}, this server having the addresses given (its inet_interfaces). */
    static RestrictionConfig configOwning(Map<String, String> overrides, String... ownAddresses) {
        Map<String, String> parameters = new HashMap<>(MAIN_CF);
        parameters.putAll(overrides);
        Set<InetAddress> own = java.util.Arrays.stream(ownAddresses).map(Fixtures::ip).collect(java.util.stream.Collectors.toSet());
        AddressClassifier classifier = AddressClassifier.fromParameters(parameters::get, own, Fixtures::table, d -> false);
        return new RestrictionConfig(parameters::get, CLASSES, Fixtures::table, classifier, new FakeDns(ZONE));
    }

    /**
     * With a users store: {@code local.test} is a local domain with the users bob and
     * postmaster, {@code virtual.test} a virtual mailbox domain with alice; a failing lookup for
     * {@code fail.test}.
     */
    static RestrictionConfig configWithUsers() {
        Map<String, String> parameters = new HashMap<>(MAIN_CF);
        parameters.putAll(Map.of("mydestination", "example.com, local.test", "virtual_alias_domains", "valias.test",
            "virtual_alias_maps", "test:valias", "canonical_maps", "test:canonical", "relay_recipient_maps", "test:relayrcpt",
            "recipient_delimiter", "+", "myorigin", "example.com"));
        AddressClassifier classifier = AddressClassifier.fromParameters(parameters::get, Set.of(), Fixtures::table, d -> {
            if (d.equals("fail.test")) {
                throw new LookupException("domain list unavailable");
            }
            return d.equals("virtual.test");
        });
        UnlistedAddresses mailboxes = address -> switch (address.domain()) {
            case "local.test" -> Set.of("bob", "postmaster").contains(address.localPart())
                ? Optional.empty() : Optional.of("local recipient table");
            case "virtual.test" -> address.localPart().equals("alice")
                ? Optional.empty() : Optional.of("virtual mailbox table");
            case "fail.test" -> throw new LookupException("users store unavailable");
            default -> Optional.empty();
        };
        UnlistedAddresses unlisted = UnlistedRecipients.fromParameters(parameters::get, Fixtures::table, classifier, mailboxes);
        return new RestrictionConfig(parameters::get, CLASSES, Fixtures::table, classifier, unlisted);
    }

    static String parameterFor(String kind) {
        return switch (kind) {
            case "client" -> "smtpd_client_restrictions";
            case "helo" -> "smtpd_helo_restrictions";
            case "sender" -> "smtpd_sender_restrictions";
            case "relay" -> "smtpd_relay_restrictions";
            case "rcpt" -> "smtpd_recipient_restrictions";
            case "data" -> "smtpd_data_restrictions";
            case "eod" -> "smtpd_end_of_data_restrictions";
            default -> throw new IllegalArgumentException(kind);
        };
    }

    static ResolvedAddress address(String text, boolean routed) {
        String internal = text.equals("<>") ? "" : text;
        return new ResolvedAddress("<" + internal + ">", internal.toLowerCase(Locale.ROOT),
            routed ? EnumSet.of(ResolvedAddress.Flag.ROUTED) : Set.of(), "");
    }

    /**
     * The state of a RCPT TO by default: client {@code client.test[203.0.113.5]}, HELO
     * {@code client.test}, sender {@code s@sender.test}, recipient {@code r@example.com}, no
     * TLS, no login, no recipients yet. Overrides, space-separated: {@code client=name[ip]},
     * {@code helo=x} ({@code -} none), {@code from=x} ({@code <>} null sender),
     * {@code rcpt=x} ({@code -} none), {@code routed}, {@code sasl=x}, {@code tls},
     * {@code count=n}, {@code stage=NAME}, {@code pipelined} (improper pipelining seen); the client's
     * lookups: {@code reverse=name} (its PTR name; by default the client name), {@code namestatus=X},
     * {@code reversestatus=X} ({@link ClientHostname.Status}; by default OK for a name, PERMANENT for
     * {@code unknown}).
     */
    static SmtpState state(String spec) {
        String clientName = "client.test";
        String clientIp = "203.0.113.5";
        String helo = "client.test";
        String from = "s@sender.test";
        String rcpt = "r@example.com";
        boolean routed = false;
        String sasl = null;
        boolean tls = false;
        int count = 0;
        Stage stage = Stage.RECIPIENT;
        String reverse = null;
        String nameStatus = null;
        String reverseStatus = null;
        boolean pipelined = false;
        for (String token : (spec == null ? "" : spec).trim().split("\\s+")) {
            if (token.isEmpty()) {
                continue;
            }
            int eq = token.indexOf('=');
            String key = eq < 0 ? token : token.substring(0, eq);
            String value = eq < 0 ? "" : token.substring(eq + 1);
            switch (key) {
                case "client" -> {
                    clientName = value.substring(0, value.indexOf('['));
                    clientIp = value.substring(value.indexOf('[') + 1, value.length() - 1);
                }
                case "helo" -> helo = value.equals("-") ? null : value;
                case "from" -> from = value;
                case "rcpt" -> rcpt = value.equals("-") ? null : value;
                case "routed" -> routed = true;
                case "sasl" -> sasl = value;
                case "tls" -> tls = true;
                case "count" -> count = Integer.parseInt(value);
                case "stage" -> stage = Stage.valueOf(value);
                case "reverse" -> reverse = value;
                case "namestatus" -> nameStatus = value;
                case "reversestatus" -> reverseStatus = value;
                case "pipelined" -> pipelined = true;
                default -> throw new IllegalArgumentException("bad state token " + token);
            }
        }
        ClientHostname names = ClientHostname.ofName(clientName);
        String reverseName = reverse != null ? reverse : names.reverseName();
        ClientHostname client = new ClientHostname(names.name(), reverseName,
            nameStatus != null ? ClientHostname.Status.valueOf(nameStatus) : names.nameStatus(),
            reverseStatus != null ? ClientHostname.Status.valueOf(reverseStatus)
                : reverseName.equals(ClientHostname.UNKNOWN) ? ClientHostname.Status.PERMANENT : ClientHostname.Status.OK);
        return new SmtpState(client, ip(clientIp), helo, address(from, false),
            rcpt == null ? null : address(rcpt, routed), sasl, tls, stage, count, pipelined);
    }

    static InetAddress ip(String text) {
        try {
            return InetAddress.getByName(text);
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException(e);
        }
    }

    /** {@code PERMIT}, {@code DUNNO} or the reply line. */
    static String outcome(Verdict verdict) {
        return verdict.replyLine().orElse(verdict.result().name());
    }

    /** {@code TYPE:text} joined with {@code ; }. */
    static String actions(Verdict verdict) {
        return String.join("; ", verdict.actions().stream().map(a -> a.type() + ":" + a.text()).toList());
    }
}
