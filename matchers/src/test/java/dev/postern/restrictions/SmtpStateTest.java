package dev.postern.restrictions;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.util.Random;

import org.junit.jupiter.api.Test;

import dev.postern.address.HostSyntax;

class SmtpStateTest {

    /** The IPv4 shortcut gives what the general canonical form gives, {@code 0.x.y.z} included. */
    @Test
    void ipv4ClientAddressTextIsTheCanonicalForm() throws Exception {
        Random random = new Random(3);
        for (int i = 0; i < 20_000; i++) {
            byte[] bytes = new byte[4];
            random.nextBytes(bytes);
            if (i % 10 == 0) {
                bytes[0] = 0;
            }
            InetAddress address = InetAddress.getByAddress(bytes);
            assertThat(SmtpState.connect("client", address).clientAddressText())
                .isEqualTo(HostSyntax.canonicalAddress(address.getHostAddress()));
        }
    }

    @Test
    void ipv6ClientAddressTextIsCompressed() throws Exception {
        assertThat(SmtpState.connect("client", InetAddress.getByName("2001:DB8:0:0:0:0:0:1")).clientAddressText())
            .isEqualTo("2001:db8::1");
    }
}
