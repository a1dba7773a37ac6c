package dev.postern.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetSocketAddress;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class ListenAddressTest {
    private static final String PARAMETER = "postern_smtpd_listen";

    @ParameterizedTest(name = "[{0}] -> host {1} port {2}")
    @CsvSource(delimiter = '|', value = {
            "0.0.0.0:2525          | 0.0.0.0          | 2525  | 0.0.0.0:2525",
            "127.0.0.1:8000        | 127.0.0.1        | 8000  | 127.0.0.1:8000",
            "localhost:25          | localhost        | 25    | localhost:25",
            "mail.example.com:587  | mail.example.com | 587   | mail.example.com:587",
            "'  0.0.0.0:465  '     | 0.0.0.0          | 465   | 0.0.0.0:465",
            "[::1]:2525            | ::1              | 2525  | [::1]:2525",
            "[::]:25               | ::               | 25    | [::]:25",
            "[2001:db8::25]:65535  | 2001:db8::25     | 65535 | [2001:db8::25]:65535",
            "[127.0.0.1]:1         | 127.0.0.1        | 1     | 127.0.0.1:1"})
    void parses(String value, String host, int port, String written) {
        ListenAddress address = ListenAddress.parse(PARAMETER, value).orElseThrow();

        assertThat(address.host()).isEqualTo(host);
        assertThat(address.port()).isEqualTo(port);
        assertThat(address).hasToString(written);
    }

    @ParameterizedTest(name = "[{0}]")
    @ValueSource(strings = {"", " ", "\t"})
    void emptyMeansDisabled(String value) {
        assertThat(ListenAddress.parse(PARAMETER, value)).isEmpty();
    }

    @ParameterizedTest(name = "[{0}]: {1}")
    @CsvSource(delimiter = '|', value = {
            "0.0.0.0           | missing \":port\"",
            "0.0.0.0:          | bad port \"\"",
            "0.0.0.0:smtp      | bad port \"smtp\"",
            "0.0.0.0:123456    | bad port \"123456\"",
            "0.0.0.0:0         | port 0 is out of range 1-65535",
            "0.0.0.0:65536     | port 65536 is out of range 1-65535",
            ":25               | missing host before \":\" (use 0.0.0.0 for all IPv4 addresses)",
            "::1:25            | write an IPv6 address in brackets, as in [::1]:25",
            "[::1]25           | missing \":port\" after \"]\"",
            "[::1]             | missing \":port\" after \"]\"",
            "[::1:25           | missing \"]\" after the IPv6 address",
            "[mail.example]:25 | \"mail.example\" is not an IP address",
            "[1::2::3]:25      | \"1::2::3\" is not an IP address",
            "[]:25             | \"\" is not an IP address",
            "256.1.1.1:25      | \"256.1.1.1\" is not a host name or IPv4 address",
            "1.2.3:25          | \"1.2.3\" is not a host name or IPv4 address",
            "-mail.example:25  | \"-mail.example\" is not a host name or IPv4 address",
            "mail_host:25      | \"mail_host\" is not a host name or IPv4 address"})
    void refusesWithAMessageNamingTheParameter(String value, String reason) {
        assertThatThrownBy(() -> ListenAddress.parse(PARAMETER, value))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage(PARAMETER + ": bad listen address \"" + value + "\": " + reason);
    }

    @Test
    void socketAddress() {
        InetSocketAddress socket = new ListenAddress("::1", 2525).toSocketAddress();

        assertThat(socket.getPort()).isEqualTo(2525);
        assertThat(socket.getAddress().isLoopbackAddress()).isTrue();
    }

    @Test
    void theConstructorKeepsTheInvariants() {
        assertThatThrownBy(() -> new ListenAddress("", 25)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new ListenAddress("0.0.0.0", 0)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new ListenAddress("0.0.0.0", 65536)).isInstanceOf(IllegalArgumentException.class);
    }
}
