package dev.postern.address;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetAddress;
import java.util.List;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

class NetworkListTest {
    private final NetworkList list = NetworkList.parse("mynetworks",
        List.of("!192.0.2.7", "192.0.2.0/24", "127.0.0.1/32", "[::1]/128", "[2001:db8::]/32"));

    @ParameterizedTest
    @CsvSource({
        "127.0.0.1, true",
        "127.0.0.2, false",
        "192.0.2.1, true",
        "192.0.2.7, false",
        "192.0.3.1, false",
        "::1, true",
        "2001:db8:1::5, true",
        "2001:db9::1, false",
    })
    void firstMatchingEntryDecides(String address, boolean expected) throws Exception {
        assertThat(list.contains(InetAddress.getByName(address))).isEqualTo(expected);
    }

    @Test
    void hostBitsMustBeZero() {
        assertThatThrownBy(() -> NetworkList.parse("mynetworks", List.of("10.1.2.3/8")))
            .hasMessage("mynetworks: non-null host address bits in \"10.1.2.3/8\", perhaps you should use 10.0.0.0/8 instead");
    }

    @Test
    void hostNamesAreRefused() {
        assertThatThrownBy(() -> NetworkList.parse("mynetworks", List.of("example.com")))
            .hasMessage("mynetworks: bad network address in \"example.com\"");
    }

    @Test
    void lengthIsChecked() {
        assertThatThrownBy(() -> NetworkList.parse("mynetworks", List.of("10.0.0.0/33")))
            .hasMessageContaining("at most 32");
    }

    @Test
    void positiveNetworksAreListedInPostfixForm() {
        assertThat(list.positiveNetworks()).containsExactly("192.0.2.0/24", "127.0.0.1/32", "[0:0:0:0:0:0:0:1]/128", "[2001:db8:0:0:0:0:0:0]/32");
        assertThat(list.hasNegations()).isTrue();
    }
}
