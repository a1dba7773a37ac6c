package dev.postern.address;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class HostSyntaxTest {
    @ParameterizedTest(name = "{0}: {1}")
    @CsvSource(delimiter = '|', quoteCharacter = '\'', textBlock = """
        example.com          | true
        a_b.example          | true
        host                 | true
        1host.example        | true
        123                  | false
        192.0.2.1            | false
        -a.example           | false
        a-.example           | false
        a..example           | false
        example.com.         | false
        .example.com         | false
        ''                   | false
        a b.example          | false
        bücher.example       | true
        """)
    void hostnames(String name, boolean valid) {
        assertThat(HostSyntax.isValidHostname(name)).isEqualTo(valid);
    }

    @ParameterizedTest(name = "{0}: {1}")
    @CsvSource(delimiter = '|', textBlock = """
        [192.0.2.1]             | true
        [0.0.0.0]               | true
        [0.1.2.3]               | false
        [256.1.2.3]             | false
        [1.2.3]                 | false
        [IPv6:2001:db8::1]      | true
        [ipv6:::1]              | true
        [IPv6:::ffff:192.0.2.1] | true
        [IPv6:1:2:3:4:5:6:7:8]  | true
        [IPv6:1:2:3:4:5:6:7:8:9]| false
        [IPv6:1::2::3]          | false
        [::1]                   | false
        [example.com]           | false
        [192.0.2.1]x            | false
        192.0.2.1               | false
        """)
    void mailhostLiterals(String literal, boolean valid) {
        assertThat(HostSyntax.isValidMailhostLiteral(literal)).isEqualTo(valid);
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource(delimiter = '|', textBlock = """
        192.0.2.1               | 192.0.2.1
        ::ffff:192.0.2.1        | 192.0.2.1
        0:0:0:0:0:0:0:1         | ::1
        0:0:0:0:0:0:0:0         | ::
        2001:DB8:0:0:1:0:0:1    | 2001:db8::1:0:0:1
        2001:db8:0:1:1:1:1:1    | 2001:db8:0:1:1:1:1:1
        fe80:0:0:0:0:0:0:0      | fe80::
        [IPv6:2001:db8::1]      | 2001:db8::1
        not-an-address          | not-an-address
        """)
    void canonicalClientAddresses(String address, String expected) {
        assertThat(HostSyntax.canonicalAddress(address)).isEqualTo(expected);
    }
}
