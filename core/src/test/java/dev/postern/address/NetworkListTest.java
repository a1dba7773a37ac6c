package dev.postern.address;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigInteger;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.postern.tables.LookupTable;

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

    @ParameterizedTest
    @CsvSource({
        "127.0.0.5, true",
        "128.0.0.1, false",
        "::1, true",
        "::2, false",
    })
    void debianDefaultLoadsAndMappedNetworksHoldTheirIpv4Hosts(String address, boolean expected) throws Exception {
        NetworkList debian = NetworkList.parse("mynetworks",
            List.of("[::ffff:127.0.0.0]/104", "[::1]/128"));
        assertThat(debian.contains(InetAddress.getByName(address))).as(address).isEqualTo(expected);
    }

    @Test
    void mappedNetworkLengthCountsFrom128() {
        assertThatThrownBy(() -> NetworkList.parse("mynetworks", List.of("[::ffff:127.0.0.0]/8")))
            .hasMessageContaining("at least 96");
        assertThatThrownBy(() -> NetworkList.parse("mynetworks", List.of("[::ffff:127.0.0.0]/129")))
            .hasMessageContaining("at most 128");
    }

    @Test
    void fileItemsAreReadAndNegatedAsAWhole(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("networks");
        Files.writeString(file, "# trusted\n192.0.2.0/24 [2001:db8::]/32\n\n198.51.100.0/24\n");
        NetworkList fromFile = NetworkList.parse("mynetworks", List.of("!" + file, "0.0.0.0/0"));
        assertThat(fromFile.contains(InetAddress.getByName("192.0.2.9"))).isFalse();
        assertThat(fromFile.contains(InetAddress.getByName("198.51.100.1"))).isFalse();
        assertThat(fromFile.contains(InetAddress.getByName("203.0.113.1"))).isTrue();
        assertThat(NetworkList.parse("mynetworks", List.of(file.toString())).contains(InetAddress.getByName("2001:db8::1")))
            .isTrue();
    }

    @Test
    void missingFileNamesParameterAndFile(@TempDir Path dir) {
        String missing = dir.resolve("nothing").toString();
        assertThatThrownBy(() -> NetworkList.parse("mynetworks", List.of(missing)))
            .hasMessage("mynetworks: cannot read " + missing + ": file not found");
    }

    @Test
    void tableItemsMatchTheAddressAsAKey() throws Exception {
        Map<String, String> keys = Map.of("192.0.2.1", "whatever", "2001:db8::1", "x");
        LookupTable table = new LookupTable() {
            @Override
            public Optional<String> lookup(String key) {
                return Optional.ofNullable(keys.get(key));
            }

            @Override
            public String name() {
                return "hash:trusted";
            }

            @Override
            public boolean isPattern() {
                return false;
            }
        };
        List<String> opened = new ArrayList<>();
        NetworkList withTable = NetworkList.parse("mynetworks", List.of("127.0.0.0/8", "hash:trusted"), name -> {
            opened.add(name);
            return table;
        });
        assertThat(opened).containsExactly("hash:trusted");
        assertThat(withTable.contains(InetAddress.getByName("192.0.2.1"))).isTrue();
        assertThat(withTable.contains(InetAddress.getByName("2001:db8::1"))).isTrue();
        assertThat(withTable.contains(InetAddress.getByName("192.0.2.2"))).isFalse();
        assertThat(withTable.positiveNetworks()).containsExactly("127.0.0.0/8");
        assertThatThrownBy(() -> NetworkList.parse("mynetworks", List.of("hash:trusted")))
            .hasMessageContaining("lookup tables are not supported here");
    }

    @Test
    void bareIpv6NetworksAreNotTables() throws Exception {
        assertThat(NetworkList.parse("mynetworks", List.of("2001:db8::/32"), name -> {
            throw new AssertionError("opened " + name);
        }).contains(InetAddress.getByName("2001:db8::7"))).isTrue();
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
