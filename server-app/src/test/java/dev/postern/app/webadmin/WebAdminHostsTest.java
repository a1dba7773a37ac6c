package dev.postern.app.webadmin;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import dev.postern.config.ListenAddress;

class WebAdminHostsTest {
    private final WebAdminHosts loopback = new WebAdminHosts(new ListenAddress("127.0.0.1", 8000));

    @ParameterizedTest
    @ValueSource(strings = {"127.0.0.1:8000", "localhost:8000", "LOCALHOST:8000", "[::1]:8000", " 127.0.0.1:8000 "})
    void loopbackAnswersToItsOwnAddressAndLocalhost(String host) {
        assertThat(loopback.accepts(host)).isTrue();
    }

    @ParameterizedTest
    @ValueSource(strings = {"rebind.attacker.example:8000", "rebind.attacker.example", "127.0.0.1", "127.0.0.1:8001",
        "127.0.0.1:8000.evil.example", "localhost.attacker.example:8000", "127.0.0.2:8000", "127.0.0.1:80000",
        "[::1]", "[::1:8000", "", "127.0.0.1:8000 extra", "localhost:08000x"})
    void anyOtherHostIsRefused(String host) {
        assertThat(loopback.accepts(host)).isFalse();
    }

    @Test
    void noHostHeaderIsRefused() {
        assertThat(loopback.accepts(null)).isFalse();
    }

    @Test
    void thePortMayBeLeftOutOnlyForPort80() {
        assertThat(new WebAdminHosts(new ListenAddress("127.0.0.1", 80)).accepts("localhost")).isTrue();
        assertThat(loopback.accepts("localhost")).isFalse();
    }

    @Test
    void aNamedAddressAnswersToThatNameOnly() {
        WebAdminHosts named = new WebAdminHosts(new ListenAddress("admin.example.net", 8000));
        assertThat(named.accepts("Admin.Example.Net:8000")).isTrue();
        assertThat(named.accepts("localhost:8000")).isFalse();
        assertThat(named.beyondLoopback()).isTrue();
    }

    @Test
    void aWildcardAddressAnswersToLoopbackAndToThisHostsOwnAddressesButNotToNames() {
        WebAdminHosts wildcard = new WebAdminHosts(new ListenAddress("0.0.0.0", 8000));
        assertThat(wildcard.accepts("127.0.0.1:8000")).isTrue();
        assertThat(wildcard.accepts("localhost:8000")).isTrue();
        assertThat(wildcard.accepts("0.0.0.0:8000")).as("the bound address itself").isTrue();
        assertThat(wildcard.accepts("192.0.2.77:8000")).as("not an address of this host").isFalse();
        assertThat(wildcard.accepts("rebind.attacker.example:8000")).isFalse();
        assertThat(wildcard.beyondLoopback()).isTrue();
    }

    @Test
    void loopbackAddressesAreNotBeyondLoopback() {
        assertThat(loopback.beyondLoopback()).isFalse();
        assertThat(new WebAdminHosts(new ListenAddress("::1", 8000)).beyondLoopback()).isFalse();
        assertThat(new WebAdminHosts(new ListenAddress("localhost", 8000)).beyondLoopback()).isFalse();
        assertThat(new WebAdminHosts(new ListenAddress("127.0.0.5", 8000)).accepts("127.0.0.5:8000")).isTrue();
    }
}
