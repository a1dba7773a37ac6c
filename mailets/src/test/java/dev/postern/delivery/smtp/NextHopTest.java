package dev.postern.delivery.smtp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

class NextHopTest {
    @ParameterizedTest
    @CsvSource({
        "'[mail.isp.example]:587', mail.isp.example, 587, false",
        "'[192.0.2.1]', 192.0.2.1, 25, false",
        "'[IPv6:2001:db8::1]:2525', 2001:db8::1, 2525, false",
        "'Example.COM', example.com, 25, true",
        "'example.com:2525', example.com, 2525, true",
    })
    void parsesTransportNextHops(String text, String host, int port, boolean mx) {
        assertThat(NextHop.parse(text, 25)).isEqualTo(new NextHop(host, port, mx, text));
    }

    @Test
    void anEmptyNextHopIsTheDomainAndListsKeepTheirOrder() {
        assertThat(NextHop.parseList("", "example.org", 25)).containsExactly(new NextHop("example.org", 25, true, "example.org"));
        assertThat(NextHop.parseList("[a.test]:26, b.test  c.test", "x", 25)).extracting(NextHop::written)
            .containsExactly("[a.test]:26", "b.test", "c.test");
    }

    @ParameterizedTest
    @ValueSource(strings = {"[a.test", "[a.test]x", "[a.test]:0", "a.test:x", "2001:db8::1", "[]"})
    void refusesMalformedHopsNamingThem(String text) {
        assertThatThrownBy(() -> NextHop.parse(text, 25)).isInstanceOf(IllegalArgumentException.class)
            .hasMessageContaining(text);
    }
}
