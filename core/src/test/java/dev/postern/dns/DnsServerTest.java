package dev.postern.dns;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;


import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class DnsServerTest {

    @Test
    void listsOfAddressesWithAndWithoutPorts() {
        assertThat(DnsServer.parseList("p", "127.0.0.1:5353, [::1]:53 192.0.2.1 [2001:db8::1]"))
            .containsExactly(new DnsServer("127.0.0.1", 5353), new DnsServer("::1", 53), new DnsServer("192.0.2.1", 53),
                new DnsServer("2001:db8::1", 53));
        assertThat(DnsServer.parseList("p", "  ")).isEmpty();
        assertThat(new DnsServer("::1", 53)).hasToString("[::1]:53");
        assertThat(new DnsServer("127.0.0.1", 5353).socketAddress().getPort()).isEqualTo(5353);
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
        dns.example:53     | postern_dns_servers: bad DNS server "dns.example:53": "dns.example" is not an IP address (a DNS server is named by its address)
        ::1                | postern_dns_servers: bad DNS server "::1": write an IPv6 address in brackets, as in [::1]:53
        [::1               | postern_dns_servers: bad DNS server "[::1": missing "]" after the address
        [::1]53            | postern_dns_servers: bad DNS server "[::1]53": expected ":port" after "]"
        127.0.0.1:         | postern_dns_servers: bad DNS server "127.0.0.1:": bad port "" (1-65535)
        127.0.0.1:65536    | postern_dns_servers: bad DNS server "127.0.0.1:65536": bad port "65536" (1-65535)
        256.0.0.1          | postern_dns_servers: bad DNS server "256.0.0.1": "256.0.0.1" is not an IP address (a DNS server is named by its address)
        [dns.example]:53   | postern_dns_servers: bad DNS server "[dns.example]:53": "dns.example" is not an IP address (a DNS server is named by its address)
        """)
    void badValuesNameTheParameter(String value, String message) {
        assertThatThrownBy(() -> DnsServer.parseList("postern_dns_servers", "127.0.0.1 " + value))
            .isInstanceOf(IllegalArgumentException.class)
            .hasMessage(message);
    }

    @Test
    void reversedNames() throws Exception {
        assertThat(DnsNames.reversed(java.net.InetAddress.getByName("127.0.0.2"))).isEqualTo("2.0.0.127");
        assertThat(DnsNames.pointerName(java.net.InetAddress.getByName("192.0.2.10"))).isEqualTo("10.2.0.192.in-addr.arpa");
        assertThat(DnsNames.pointerName(java.net.InetAddress.getByName("2001:db8::1")))
            .isEqualTo("1.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.8.b.d.0.1.0.0.2.ip6.arpa");
    }
}
