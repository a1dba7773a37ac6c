package dev.postern.dns;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Forward-confirmed reverse DNS, table-driven: client address -> name, reverse name, statuses, warning. */
class ClientHostnameResolverTest {
    /** Records as "name TYPE" -> values; "TEMP" makes a temporary failure, "NODATA" an empty answer. */
    private static final Map<String, String> ZONE = Map.ofEntries(
        Map.entry("2.2.0.192.in-addr.arpa PTR", "good.example"),
        Map.entry("good.example A", "192.0.2.2"),
        Map.entry("3.2.0.192.in-addr.arpa PTR", "forged.example"),
        Map.entry("forged.example A", "192.0.2.99"),
        Map.entry("4.2.0.192.in-addr.arpa PTR", "nowhere.example"),
        Map.entry("5.2.0.192.in-addr.arpa PTR", "TEMP"),
        Map.entry("6.2.0.192.in-addr.arpa PTR", "slow.example"),
        Map.entry("slow.example A", "TEMP"),
        Map.entry("7.2.0.192.in-addr.arpa PTR", "v6only.example"),
        Map.entry("v6only.example A", "NODATA"),
        Map.entry("8.2.0.192.in-addr.arpa PTR", "192.0.2.8"),
        Map.entry("9.2.0.192.in-addr.arpa PTR", "Mixed.Example"),
        Map.entry("mixed.example A", "192.0.2.1, 192.0.2.9"),
        Map.entry("10.2.0.192.in-addr.arpa PTR", "listed.example"));

    private static final HostsFile HOSTS = HostsFile.parse(List.of(
        "127.0.0.1 localhost runsc # comment", "192.0.2.10 other.example", "192.0.2.10 listed.example"));

    record FakeDns(Map<String, String> zone) implements DnsLookup {
        @Override
        public DnsAnswer query(String name, DnsType type) {
            String value = zone.get(name + " " + type);
            if (value == null) {
                return DnsAnswer.noSuchName("no " + name);
            }
            return switch (value) {
                case "TEMP" -> DnsAnswer.temporaryFailure("timed out");
                case "NODATA" -> DnsAnswer.noData("no data");
                default -> DnsAnswer.found(List.of(value.split(",\\s*")));
            };
        }
    }

    @ParameterizedTest(name = "{0} -> {1} / {2}")
    @CsvSource(delimiter = '|', textBlock = """
        192.0.2.2  | good.example | good.example    | OK        | OK        |
        192.0.2.3  | unknown      | forged.example  | FORGED    | OK        | hostname forged.example does not resolve to address 192.0.2.3
        192.0.2.4  | unknown      | nowhere.example | PERMANENT | OK        | hostname nowhere.example does not resolve to address 192.0.2.4: Name or service not known
        192.0.2.5  | unknown      | unknown         | TEMPORARY | TEMPORARY |
        192.0.2.6  | unknown      | slow.example    | TEMPORARY | OK        | hostname slow.example does not resolve to address 192.0.2.6: Temporary failure in name resolution
        192.0.2.7  | unknown      | v6only.example  | PERMANENT | OK        | hostname v6only.example does not resolve to address 192.0.2.7: No address associated with hostname
        192.0.2.8  | unknown      | unknown         | PERMANENT | PERMANENT |
        192.0.2.9  | mixed.example | mixed.example  | OK        | OK        |
        192.0.2.11 | unknown      | unknown         | PERMANENT | PERMANENT |
        127.0.0.1  | localhost    | localhost       | OK        | OK        |
        192.0.2.10 | other.example | other.example  | OK        | OK        |
        """)
    void resolvesAsPostfixDoes(String client, String name, String reverse, String nameStatus, String reverseStatus,
            String warning) throws Exception {
        List<String> warnings = new ArrayList<>();
        ClientHostname result = new ClientHostnameResolver(new FakeDns(new HashMap<>(ZONE)), HOSTS)
            .resolve(InetAddress.getByName(client), warnings::add);
        assertThat(result).isEqualTo(new ClientHostname(name, reverse, ClientHostname.Status.valueOf(nameStatus),
            ClientHostname.Status.valueOf(reverseStatus)));
        assertThat(warnings).isEqualTo(warning == null ? List.of() : List.of(warning));
    }
}
