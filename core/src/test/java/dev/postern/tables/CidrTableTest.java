package dev.postern.tables;

import static dev.postern.tables.TableFiles.get;
import static dev.postern.tables.TableFiles.write;
import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigInteger;
import java.net.InetAddress;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;


class CidrTableTest {
    @TempDir
    Path dir;
    TableRegistry registry;

    @BeforeEach
    void setUp() {
        registry = new TableRegistry(dir);
    }

    @AfterEach
    void tearDown() {
        registry.close();
    }

    private static final String TABLE = String.join("\n",
        "# client access",
        "10.0.0.0/8           WIDE EARLIER",
        "10.1.2.0/24          NARROW LATER",
        "192.0.2.1            ONE ADDRESS",
        "192.0.2.0/24         REST OF 192.0.2",
        "[2001:db8::]/32      V6 BRACKETS",
        "2001:db9::/32        V6 PLAIN",
        "[2001:dba::/48]      V6 INNER BRACKETS",
        "[::1]                V6 LOOPBACK",
        "::ffff:0:0/96        V4 MAPPED",
        "if 172.16.0.0/12",
        "172.16.1.0/24        INSIDE IF",
        "!172.16.0.0/16       IN 172.16/12 BUT NOT 172.16/16",
        "endif",
        "if !198.51.100.0/24",
        "203.0.113.0/24       OUTSIDE 198.51.100",
        "endif",
        "203.0.113.0/25       NEVER: SHADOWED BY THE LINE ABOVE",
        "!0.0.0.0/0           NOT IPV4",
        "0.0.0.0/0            ANY V4");

    static Stream<Arguments> lookups() {
        return Stream.of(
            Arguments.of("10.1.2.3", "WIDE EARLIER"),
            Arguments.of("10.200.0.1", "WIDE EARLIER"),
            Arguments.of("192.0.2.1", "ONE ADDRESS"),
            Arguments.of("192.0.2.2", "REST OF 192.0.2"),
            Arguments.of("2001:db8::1", "V6 BRACKETS"),
            Arguments.of("2001:DB8:ffff::", "V6 BRACKETS"),
            Arguments.of("2001:db9:1::1", "V6 PLAIN"),
            Arguments.of("2001:dba:0:1::", "V6 INNER BRACKETS"),
            Arguments.of("2001:dba:1::", "NOT IPV4"),
            Arguments.of("::1", "V6 LOOPBACK"),
            Arguments.of("0:0:0:0:0:0:0:1", "V6 LOOPBACK"),
            Arguments.of("::ffff:192.0.2.1", "V4 MAPPED"),
            Arguments.of("172.16.1.9", "INSIDE IF"),
            Arguments.of("172.16.2.9", "ANY V4"),
            Arguments.of("172.17.0.1", "IN 172.16/12 BUT NOT 172.16/16"),
            Arguments.of("203.0.113.1", "OUTSIDE 198.51.100"),
            Arguments.of("198.51.100.7", "ANY V4"),
            Arguments.of("8.8.8.8", "ANY V4"),
            Arguments.of("fe80::1", "NOT IPV4"),
            Arguments.of("not-an-address", null),
            Arguments.of("[192.0.2.1]", null),
            Arguments.of("192.0.2", null),
            Arguments.of("192.0.2.256", null),
            Arguments.of("1.2.3.4.5", null),
            Arguments.of("fe80::1%eth0", null),
            Arguments.of("1::2::3", null),
            Arguments.of("", null));
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @MethodSource("lookups")
    void lookups(String query, String expected) throws Exception {
        write(dir, "access", TABLE.split("\n"));
        LookupTable table = registry.open("cidr:access");

        assertThat(get(table, query)).isEqualTo(expected);
        assertThat(table.isPattern()).isTrue();
    }

    static Stream<Arguments> errors() {
        return Stream.of(
            Arguments.of("10.0.0.0/8 OK\n10.1.2.3/8 REJECT", 2,
                "non-null host address bits in \"10.1.2.3/8\", perhaps you should use \"10.0.0.0/8\" instead"),
            Arguments.of("[2001:db8::1]/32 OK", 1, "non-null host address bits in \"[2001:db8::1]/32\""),
            Arguments.of("10.0.0.0/33 OK", 1, "bad network mask length"),
            Arguments.of("::/129 OK", 1, "bad network mask length"),
            Arguments.of("10.0.0.0/x OK", 1, "bad network mask length"),
            Arguments.of("host.example OK", 1, "bad address pattern \"host.example\""),
            Arguments.of("10.0.0.0/8", 1, "no lookup result"),
            Arguments.of("# c\n\nendif", 3, "ignoring endif without a matching if"),
            Arguments.of("if 10.0.0.0/8\n10.1.0.0/16 OK", 1, "if has no matching endif"),
            Arguments.of("if bogus\n10.1.0.0/16 OK\nendif", 1, "bad address pattern \"bogus\""),
            Arguments.of("[2001:db8::/32 OK", 1, "missing \"]\""));
    }

    /** Postfix skips a malformed line with a warning naming file and line and uses the rest of the table. */
    @ParameterizedTest(name = "[{index}] {2}")
    @MethodSource("errors")
    void aMalformedLineIsSkippedWithAWarningNamingFileAndLine(String table, int line, String reason) throws Exception {
        Path file = write(dir, "bad", ("192.0.2.1 FINE\n" + table).split("\n", -1));

        LookupTable opened = registry.open("cidr:bad");

        assertThat(get(opened, "192.0.2.1")).isEqualTo("FINE");
        assertThat(registry.warnings()).anySatisfy(warning -> {
            assertThat(warning.source()).isEqualTo(file.toString());
            assertThat(warning.line()).isEqualTo(line + 1);
            assertThat(warning.message()).contains(reason);
        });
    }

    @Test
    void theRulesAroundASkippedOneStillAnswerInOrder() throws Exception {
        Path file = write(dir, "mixed", "10.0.0.0/8 TEN", "10.1.2.3/8 BAD", "!10.0.0.0/8 NOT-TEN", "[2001:db8::]/32 V6");

        LookupTable table = registry.open("cidr:mixed");

        assertThat(registry.warnings()).extracting(TableWarning::toString).containsExactly(file
            + ", line 2: non-null host address bits in \"10.1.2.3/8\", perhaps you should use \"10.0.0.0/8\" instead:"
            + " skipping this rule");
        assertThat(get(table, "10.1.2.3")).isEqualTo("TEN");
        assertThat(get(table, "192.0.2.1")).isEqualTo("NOT-TEN");
        assertThat(get(table, "2001:db8::5")).isEqualTo("NOT-TEN");
    }

    /** As in Postfix, an if whose pattern is bad is skipped and the rules of its block are unconditional. */
    @Test
    void aBadIfLeavesItsBlockUnconditional() throws Exception {
        write(dir, "badif", "if 10.0.0.0/33", "192.0.2.0/24 INSIDE", "endif");

        assertThat(get(registry.open("cidr:badif"), "192.0.2.9")).isEqualTo("INSIDE");
        assertThat(registry.warnings()).extracting(TableWarning::line).containsExactly(1, 3);
    }

    @ParameterizedTest
    @ValueSource(strings = {"1.2.3.4", "0.0.0.0", "255.255.255.255", "::", "::1", "1::", "2001:db8::ff00:42:8329",
        "2001:0db8:0000:0000:0000:ff00:0042:8329", "::ffff:1.2.3.4", "64:ff9b::192.0.2.33", "1:2:3:4:5:6:7:8",
        "1:2:3:4:5:6:1.2.3.4", "1::8", "1:2::7:8"})
    void addressParsingAgreesWithInetAddress(String text) throws Exception {
        IpAddress parsed = IpAddress.parse(text);
        byte[] expected = InetAddress.getByName(text).getAddress();
        byte[] actual = toBytes(parsed);
        if (expected.length == 4 && actual.length == 16) {
            // InetAddress turns IPv4-mapped addresses into IPv4; cidr tables keep them IPv6, as Postfix does.
            assertThat(text).startsWithIgnoringCase("::ffff:");
            expected = new BigInteger(1, expected).add(BigInteger.valueOf(0xFFFF).shiftLeft(32)).toByteArray();
            expected = pad(expected, 16);
        }
        assertThat(actual).isEqualTo(expected);
    }

    @ParameterizedTest
    @ValueSource(strings = {"1.2.3", "1.2.3.4.", ".1.2.3.4", "1.2.3.04444", "1:2:3:4:5:6:7:8:9", "1:2:3:4:5:6:7",
        ":1::", "1::2::", "12345::", "::g", "1.2.3.4:5", "::1.2.3", "1:2:3:4:5:6:7:1.2.3.4", "1::2:"})
    void notAddresses(String text) {
        assertThat(IpAddress.parse(text)).isNull();
    }

    /**
     * The indexed table against a direct transcription of cidr_table(5): walk the lines in order,
     * skip if-blocks whose condition fails, return the first rule that matches.
     */
    @Test
    void agreesWithALinearScanOnRandomTables() throws Exception {
        Random random = new Random(20240501);
        for (int round = 0; round < 40; round++) {
            int rules = round < 30 ? 1 + random.nextInt(60) : 5_000;
            List<String> lines = randomTable(random, rules);
            write(dir, "random" + round, lines);
            LookupTable table = registry.open("cidr:random" + round);
            for (int q = 0; q < 2_000; q++) {
                String query = randomQuery(random, lines);
                assertThat(get(table, query)).as("round %d query %s in%n%s", round, query,
                    lines.size() < 80 ? String.join("\n", lines) : "(a long table)")
                    .isEqualTo(linearLookup(lines, query));
            }
        }
    }

    // --- random data: a few small address spaces, so that networks nest and overlap often ---

    private static final String[] V4_BASES = {"10.0.0.0", "10.1.0.0", "192.168.1.0"};
    private static final String[] V6_BASES = {"2001:db8::", "2001:db8:0:1::", "::ffff:10.0.0.0"};

    private static List<String> randomTable(Random random, int rules) {
        List<String> lines = new ArrayList<>();
        int depth = 0;
        for (int i = 0; i < rules; i++) {
            int kind = random.nextInt(10);
            if (kind == 0 && depth < 3) {
                lines.add("if " + (random.nextInt(3) == 0 ? "!" : "") + randomNet(random));
                depth++;
            } else if (kind == 1 && depth > 0) {
                lines.add("endif");
                depth--;
            }
            lines.add((random.nextInt(6) == 0 ? "!" : "") + randomNet(random) + " rule" + i);
        }
        while (depth-- > 0) {
            lines.add("endif");
        }
        return lines;
    }

    private static String randomNet(Random random) {
        boolean v6 = random.nextInt(3) == 0;
        int bits = v6 ? 128 : 32;
        BigInteger base = toInteger(IpAddress.parse(
            (v6 ? V6_BASES : V4_BASES)[random.nextInt(3)]));
        int prefix = v6 ? 96 + random.nextInt(33) : 16 + random.nextInt(17);
        if (random.nextInt(20) == 0) {
            prefix = random.nextInt(bits / 2);
        }
        BigInteger address = base.add(BigInteger.valueOf(random.nextInt(1 << 12)));
        BigInteger network = mask(address, prefix, bits);
        String text = format(network, v6);
        if (prefix == bits && random.nextBoolean()) {
            return v6 && random.nextBoolean() ? "[" + text + "]" : text;
        }
        return (v6 && random.nextBoolean() ? "[" + text + "]" : text) + "/" + prefix;
    }

    private static String randomQuery(Random random, List<String> lines) {
        if (random.nextInt(50) == 0) {
            return "not.an.address";
        }
        boolean v6 = random.nextInt(3) == 0;
        BigInteger base = toInteger(IpAddress.parse((v6 ? V6_BASES : V4_BASES)[random.nextInt(3)]));
        return format(base.add(BigInteger.valueOf(random.nextInt(1 << 12))), v6);
    }

    // --- the reference: BigInteger arithmetic, a literal reading of the rules ---

    private static String linearLookup(List<String> lines, String query) throws Exception {
        boolean queryV6 = query.contains(":");
        BigInteger address;
        try {
            address = toBigInteger(InetAddress.getByName(query).getAddress(), queryV6);
        } catch (java.net.UnknownHostException e) {
            return null;
        }
        Deque<Boolean> active = new ArrayDeque<>();
        active.push(true);
        for (String line : lines) {
            if (line.equals("endif")) {
                active.pop();
                continue;
            }
            boolean isIf = line.startsWith("if ");
            String rest = isIf ? line.substring(3) : line;
            boolean negated = rest.startsWith("!");
            String[] parts = (negated ? rest.substring(1) : rest).split(" ", 2);
            boolean matched = netMatches(parts[0], address, queryV6) != negated;
            if (isIf) {
                active.push(active.peek() && matched);
            } else if (active.peek() && matched) {
                return parts[1];
            }
        }
        return null;
    }

    private static boolean netMatches(String net, BigInteger address, boolean queryV6) throws Exception {
        String text = net.replace("[", "").replace("]", "");
        boolean v6 = text.contains(":");
        if (v6 != queryV6) {
            return false;
        }
        int bits = v6 ? 128 : 32;
        int slash = text.indexOf('/');
        int prefix = slash < 0 ? bits : Integer.parseInt(text.substring(slash + 1));
        String addressText = slash < 0 ? text : text.substring(0, slash);
        BigInteger network = toBigInteger(InetAddress.getByName(addressText).getAddress(), v6);
        return mask(address, prefix, bits).equals(network);
    }

    /** InetAddress turns ::ffff:a.b.c.d into IPv4; put such addresses back into IPv6 space. */
    private static BigInteger toBigInteger(byte[] bytes, boolean v6) {
        BigInteger value = new BigInteger(1, bytes);
        if (v6 && bytes.length == 4) {
            value = value.add(BigInteger.valueOf(0xFFFF).shiftLeft(32));
        }
        return value;
    }

    private static BigInteger mask(BigInteger address, int prefix, int bits) {
        BigInteger all = BigInteger.ONE.shiftLeft(bits).subtract(BigInteger.ONE);
        BigInteger netmask = all.shiftRight(bits - prefix).shiftLeft(bits - prefix);
        return address.and(netmask);
    }

    private static BigInteger toInteger(IpAddress address) {
        return address.v6()
            ? new BigInteger(1, toBytes(address))
            : BigInteger.valueOf(address.lo());
    }

    private static String format(BigInteger value, boolean v6) {
        try {
            byte[] bytes = pad(value.toByteArray(), v6 ? 16 : 4);
            // Inet6Address keeps IPv4-mapped addresses IPv6 (InetAddress.getByAddress would not).
            return v6 ? java.net.Inet6Address.getByAddress(null, bytes, -1).getHostAddress()
                : InetAddress.getByAddress(bytes).getHostAddress();
        } catch (java.net.UnknownHostException e) {
            throw new AssertionError(e);
        }
    }

    private static byte[] pad(byte[] bytes, int length) {
        byte[] out = new byte[length];
        int copy = Math.min(bytes.length, length);
        System.arraycopy(bytes, bytes.length - copy, out, length - copy, copy);
        return out;
    }

    private static byte[] toBytes(IpAddress address) {
        int length = address.v6() ? 16 : 4;
        byte[] out = new byte[length];
        for (int i = 0; i < length; i++) {
            long word = address.v6() ? (i < 8 ? address.hi() : address.lo()) : address.lo();
            int shift = address.v6() ? 56 - 8 * (i % 8) : 24 - 8 * i;
            out[i] = (byte) (word >>> shift);
        }
        return out;
    }

    @Test
    void inlineTablesHoldTheirRules() throws Exception {
        LookupTable table = registry.open("cidr:{ {192.0.2.0/24 DOC}, {!10.0.0.0/8 NOT-TEN}, {[2001:db8::]/32 V6} }");

        assertThat(get(table, "192.0.2.7")).isEqualTo("DOC");
        assertThat(get(table, "10.1.1.1")).isNull();
        assertThat(get(table, "8.8.8.8")).isEqualTo("NOT-TEN");
        assertThat(registry.warnings()).isEmpty();
    }
}
