package dev.postern.app.explain;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetAddress;
import java.util.List;
import java.util.Optional;

import org.junit.jupiter.api.Test;

class ExplainOptionsTest {

    @Test
    void everyOptionIsRead() throws Exception {
        ExplainOptions options = ExplainOptions.parse(List.of("--client", "203.0.113.9", "--client-name", "mx.example.test",
            "--helo", "mx.example.test", "--sasl", "bob", "--sender", "<a@example.test>", "--rcpt", "x@y.test",
            "--rcpt", "<z@y.test>", "--listener", "submission"));

        assertThat(options.client()).isEqualTo(InetAddress.getByName("203.0.113.9"));
        assertThat(options.clientName()).contains("mx.example.test");
        assertThat(options.helo()).contains("mx.example.test");
        assertThat(options.sasl()).contains("bob");
        assertThat(options.sender()).isEqualTo("a@example.test");
        assertThat(options.recipients()).containsExactly("x@y.test", "z@y.test");
        assertThat(options.listener()).contains("submission");
    }

    @Test
    void theOptionalOnesMayBeLeftOutAndTheNullSenderWritten() {
        ExplainOptions options = ExplainOptions.parse(List.of("--client", "2001:db8::1", "--sender", "<>", "--rcpt", "x@y.test"));

        assertThat(options.client().getHostAddress()).isEqualTo("2001:db8:0:0:0:0:0:1");
        assertThat(options.sender()).isEmpty();
        assertThat(options.clientName()).isEmpty();
        assertThat(options.helo()).isEmpty();
        assertThat(options.sasl()).isEmpty();
        assertThat(options.listener()).isEqualTo(Optional.empty());
    }

    @Test
    void aClientNameIsNotTakenForAnAddress() {
        // a name would need the DNS, which explain never asks
        assertThatThrownBy(() -> ExplainOptions.parse(List.of("--client", "mx.example.test", "--sender", "a@b.test",
            "--rcpt", "x@y.test")))
            .isInstanceOf(IllegalArgumentException.class)
            .hasMessageContaining("--client \"mx.example.test\" is not an IPv4 or IPv6 address")
            .hasMessageContaining(ExplainOptions.USAGE);
    }

    @Test
    void eachMistakeIsNamedWithTheUsage() {
        assertUsage(List.of("--sender", "a@b.test", "--rcpt", "x@y.test"), "--client is required");
        assertUsage(List.of("--client", "192.0.2.1", "--rcpt", "x@y.test"), "--sender is required");
        assertUsage(List.of("--client", "192.0.2.1", "--sender", "a@b.test"), "at least one --rcpt is required");
        assertUsage(List.of("--client", "192.0.2.1", "--sender", "a@b.test", "--rcpt"), "--rcpt needs a value");
        assertUsage(List.of("--client", "192.0.2.1", "--bogus", "x"), "unknown option --bogus");
        assertUsage(List.of("stray"), "unexpected argument \"stray\"");
    }

    private static void assertUsage(List<String> arguments, String problem) {
        assertThatThrownBy(() -> ExplainOptions.parse(arguments))
            .as("%s", arguments)
            .isInstanceOf(IllegalArgumentException.class)
            .hasMessageStartingWith("explain: " + problem)
            .hasMessageEndingWith("; " + ExplainOptions.USAGE);
    }
}
