package dev.postern.address;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigInteger;
import java.net.InetAddress;
import java.util.List;
import java.util.Random;

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

    /**
     * Membership compared with the arithmetic it replaced (address and network as numbers,
     * masked with BigInteger) on random networks of every prefix length and addresses near them.
     */
    @Test
    void membershipIsPrefixArithmetic() throws Exception {
        Random random = new Random(11);
        for (int i = 0; i < 20_000; i++) {
            int size = random.nextBoolean() ? 4 : 16;
            int prefix = random.nextInt(size * 8 + 1);
            byte[] network = mask(randomBytes(random, size), prefix);
            String text = InetAddress.getByAddress(network).getHostAddress();
            Cidr cidr = Cidr.parse(size == 4 ? text + "/" + prefix : "[" + text + "]/" + prefix);
            for (int j = 0; j < 8; j++) {
                byte[] candidate = network.clone();
                if (j % 2 == 0) {
                    candidate = randomBytes(random, size);
                } else {
                    int bit = random.nextInt(size * 8);
                    candidate[bit / 8] ^= (byte) (0x80 >>> (bit % 8));
                }
                boolean expected = new BigInteger(1, mask(candidate, prefix)).equals(new BigInteger(1, network));
                InetAddress address = InetAddress.getByAddress(candidate);
                assertThat(cidr.contains(address)).as("%s in %s", address, cidr).isEqualTo(expected);
            }
        }
    }

    private static byte[] randomBytes(Random random, int size) {
        byte[] bytes = new byte[size];
        random.nextBytes(bytes);
        return bytes;
    }

    /** The reference: the address as a number, ANDed with the prefix's netmask. */
    private static byte[] mask(byte[] bytes, int prefix) {
        int bits = bytes.length * 8;
        BigInteger netmask = prefix == 0 ? BigInteger.ZERO
            : BigInteger.ONE.shiftLeft(bits).subtract(BigInteger.ONE).shiftRight(bits - prefix).shiftLeft(bits - prefix);
        byte[] masked = new BigInteger(1, bytes).and(netmask).toByteArray();
        byte[] result = new byte[bytes.length];
        int copy = Math.min(masked.length, result.length);
        System.arraycopy(masked, masked.length - copy, result, result.length - copy, copy);
        return result;
    }
}
