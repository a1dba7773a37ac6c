package dev.postern.mailets;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

class RelayhostGatewayTest {
    @ParameterizedTest
    @CsvSource({
        "'[127.0.0.1]:2526', 127.0.0.1:2526",
        "'[mail.example.com]', mail.example.com:25",
        "'mail.example.com:587', mail.example.com:587",
        "'  smarthost ', smarthost:25",
    })
    void translatesRelayhostToGateway(String relayhost, String gateway) {
        assertThat(RelayhostGateway.parse(relayhost)).get().extracting(RelayhostGateway::asGateway).isEqualTo(gateway);
    }

    @Test
    void emptyMeansDirectDelivery() {
        assertThat(RelayhostGateway.parse("")).isEmpty();
    }

    @ParameterizedTest
    @ValueSource(strings = {"[127.0.0.1", "[127.0.0.1]:x", "[127.0.0.1]:70000", "a,b", "[::1]:25", "[host]junk"})
    void refusesMalformedValuesNamingTheParameter(String relayhost) {
        assertThatThrownBy(() -> RelayhostGateway.parse(relayhost))
            .isInstanceOf(IllegalArgumentException.class)
            .hasMessageStartingWith("relayhost: ");
    }
}
