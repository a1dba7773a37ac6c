package dev.postern.tables;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Deque;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;

import dev.postern.config.ConfigException;

/**
 * {@code cidr:} tables (cidr_table(5)): the query is a numeric IPv4 or IPv6 address; the first
 * rule in file order whose network holds it gives the result. Anything else as a query (a host
 * name, {@code [1.2.3.4]}, an address with a zone) is simply not found.
 *
 * <pre>
 *   192.0.2.0/24        result      a network (host bits must be zero)
 *   192.0.2.1           result      one address (/32 or /128)
 *   [2001:db8::]/32     result      brackets around an IPv6 address are optional
 *   !192.0.2.0/24       result      every address not in the network, IPv6 ones included
 *   if 10.0.0.0/8                   rules up to the matching endif apply only inside it
 *   if !10.0.0.0/8                  ... or only outside it; nestable
 *   endif
 * </pre>
 *
 * <p>As in Postfix, a malformed line never refuses the table: a bad address pattern, a network
 * with host bits set, a rule without a result is skipped with a warning {@code FILE, line N:
 * reason: skipping this rule} ({@link TableWarning}); an {@code endif} without {@code if} is
 * ignored, an {@code if} without {@code endif} runs to the end of the file, a skipped {@code if}
 * leaves its block unconditional, each with a warning. An IPv4-mapped IPv6 query
 * ({@code ::ffff:192.0.2.1}) is an IPv6 address here, as in Postfix.
 *
 * <p>File order is kept without a linear scan: every rule's condition (its own network and those
 * of the {@code if} blocks around it) is reduced when the file is loaded. A rule whose conditions
 * are all positive reduces to one network (networks are nested or disjoint, so their intersection
 * is the narrowest one or nothing) and goes into a per-prefix-length hash index of masked
 * networks that keeps the lowest rule number; a lookup probes each prefix length present and
 * takes the lowest rule number found. Rules that involve a negation are few in practice; they are
 * checked in file order, only up to that number.
 */
final class CidrTable implements LookupTable {
    /** One network: a masked address and its prefix length. */
    record Net(IpAddress network, int prefix) {
        boolean contains(IpAddress address) {
            return address.v6() == network.v6() && address.mask(prefix).equals(network);
        }

        boolean contains(Net other) {
            return other.network.v6() == network.v6() && prefix <= other.prefix && contains(other.network);
        }

        @Override
        public String toString() {
            return network + "/" + prefix;
        }
    }

    /** A rule whose condition involves a negation: in {@code positive} (if any), in none of {@code negatives}. */
    private record Complex(int rule, Net positive, Net[] negatives) {
        boolean matches(IpAddress address) {
            if (positive != null && !positive.contains(address)) {
                return false;
            }
            for (Net negative : negatives) {
                if (negative.contains(address)) {
                    return false;
                }
            }
            return true;
        }
    }

    /** The loaded table. */
    static final class Index {
        final String[] results;
        final int[] v4Lengths;
        final LongPairIntMap[] v4Maps;
        final int[] v6Lengths;
        final LongPairIntMap[] v6Maps;
        final Complex[] complex;

        Index(String[] results, List<Net> simpleNets, List<Integer> simpleRules, List<Complex> complex) {
            this.results = results;
            LongPairIntMap[] v4 = new LongPairIntMap[33];
            LongPairIntMap[] v6 = new LongPairIntMap[129];
            int[] counts4 = new int[33];
            int[] counts6 = new int[129];
            for (Net net : simpleNets) {
                (net.network().v6() ? counts6 : counts4)[net.prefix()]++;
            }
            for (int i = 0; i < simpleNets.size(); i++) {
                Net net = simpleNets.get(i);
                LongPairIntMap[] maps = net.network().v6() ? v6 : v4;
                if (maps[net.prefix()] == null) {
                    maps[net.prefix()] = new LongPairIntMap((net.network().v6() ? counts6 : counts4)[net.prefix()]);
                }
                maps[net.prefix()].putIfAbsent(net.network().hi(), net.network().lo(), simpleRules.get(i));
            }
            this.v4Lengths = presentLengths(v4);
            this.v4Maps = compact(v4, v4Lengths);
            this.v6Lengths = presentLengths(v6);
            this.v6Maps = compact(v6, v6Lengths);
            this.complex = complex.toArray(new Complex[0]);
        }

        private static int[] presentLengths(LongPairIntMap[] maps) {
            return java.util.stream.IntStream.range(0, maps.length).filter(l -> maps[l] != null).toArray();
        }

        private static LongPairIntMap[] compact(LongPairIntMap[] maps, int[] lengths) {
            return Arrays.stream(lengths).mapToObj(l -> maps[l]).toArray(LongPairIntMap[]::new);
        }

        String lookup(IpAddress address) {
            int best = Integer.MAX_VALUE;
            int[] lengths = address.v6() ? v6Lengths : v4Lengths;
            LongPairIntMap[] maps = address.v6() ? v6Maps : v4Maps;
            for (int i = 0; i < lengths.length; i++) {
                int prefix = lengths[i];
                long hi;
                long lo;
                if (address.v6()) {
                    hi = address.hi() & IpAddress.highMask(prefix);
                    lo = address.lo() & IpAddress.lowMask(prefix);
                } else {
                    hi = 0;
                    lo = prefix == 0 ? 0 : address.lo() & ((0xFFFF_FFFFL << (32 - prefix)) & 0xFFFF_FFFFL);
                }
                int rule = maps[i].get(hi, lo);
                if (rule >= 0 && rule < best) {
                    best = rule;
                }
            }
            for (Complex candidate : complex) {
                if (candidate.rule() >= best) {
                    break;
                }
                if (candidate.matches(address)) {
                    return results[candidate.rule()];
                }
            }
            return best == Integer.MAX_VALUE ? null : results[best];
        }
    }

    private final String name;
    /** The current contents: a file's, re-read when it changes, or an inline table's. */
    private final Supplier<Index> contents;

    CidrTable(String name, Supplier<Index> contents) {
        this.name = name;
        this.contents = contents;
    }

    @Override
    public Optional<String> lookup(String key) {
        IpAddress address = IpAddress.parse(key);
        if (address == null) {
            return Optional.empty();
        }
        return Optional.ofNullable(contents.get().lookup(address));
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public boolean isPattern() {
        return true;
    }

    /** A condition from an {@code if} line or a rule: a network, possibly negated. */
    private record Condition(Net net, boolean positive) {
    }

    /** A rule Postfix, too, would skip: the reason, without file and line. */
    static final class SkipRule extends Exception {
        SkipRule(String reason) {
            super(reason, null, false, false);
        }
    }

    /**
     * Reads a table. A malformed rule is skipped with a warning ({@code FILE, line N: reason:
     * skipping this rule}) and the rest is used, as Postfix does; only an unreadable file fails.
     */
    static Index parse(Path file, TableWarning.Sink warnings) throws IOException, ConfigException {
        return parse(LogicalLines.of(file), warnings);
    }

    static Index parse(LogicalLines.Source source, TableWarning.Sink warnings) throws IOException, ConfigException {
        String file = source.name();
        List<String> results = new ArrayList<>();
        List<Net> simpleNets = new ArrayList<>();
        List<Integer> simpleRules = new ArrayList<>();
        List<Complex> complex = new ArrayList<>();
        Deque<Condition> ifs = new ArrayDeque<>();
        Deque<Integer> ifLines = new ArrayDeque<>();
        source.read(warnings, (line, text) -> {
            String trimmed = LogicalLines.trim(text);
            if (startsWithWord(trimmed, "endif")) {
                if (ifs.isEmpty()) {
                    warnings.warn(file, line, "ignoring endif without a matching if");
                    return;
                }
                if (!LogicalLines.trim(trimmed.substring(5)).isEmpty()) {
                    warnings.warn(file, line, "ignoring extra text after endif");
                }
                ifs.pop();
                ifLines.pop();
                return;
            }
            boolean isIf = startsWithWord(trimmed, "if");
            Condition condition;
            String value;
            try {
                String rest = isIf ? trimmed.substring(2) : trimmed;
                int p = 0;
                boolean positive = true;
                while (p < rest.length() && (rest.charAt(p) == '!' || LogicalLines.isSpace(rest.charAt(p)))) {
                    if (rest.charAt(p) == '!') {
                        positive = !positive;
                    }
                    p++;
                }
                int end = p;
                while (end < rest.length() && !LogicalLines.isSpace(rest.charAt(end))) {
                    end++;
                }
                if (end == p) {
                    throw new SkipRule("no address pattern");
                }
                condition = new Condition(parseNet(rest.substring(p, end)), positive);
                value = LogicalLines.trim(rest.substring(end));
                if (!isIf && value.isEmpty()) {
                    throw new SkipRule("no lookup result");
                }
            } catch (SkipRule e) {
                warnings.warn(file, line, e.getMessage() + ": skipping this rule");
                return;
            }
            if (isIf) {
                if (!value.isEmpty()) {
                    warnings.warn(file, line, "ignoring extra text after if: \"" + value + "\" (do not indent the lines"
                        + " between if and endif: an indented line continues the previous one)");
                }
                ifs.push(condition);
                ifLines.push(line);
                return;
            }
            int rule = results.size();
            results.add(value);
            List<Condition> conditions = new ArrayList<>(ifs);
            conditions.add(condition);
            addRule(rule, conditions, simpleNets, simpleRules, complex);
        });
        while (!ifLines.isEmpty()) {
            // Postfix: the block runs to the end of the file.
            warnings.warn(file, ifLines.pop(), "if has no matching endif: the block ends at the end of the file");
        }
        return new Index(results.toArray(new String[0]), simpleNets, simpleRules, complex);
    }

    /** Reduces a rule's conditions and files it as simple (indexed) or complex; drops rules that cannot match. */
    private static void addRule(int rule, List<Condition> conditions, List<Net> simpleNets, List<Integer> simpleRules,
            List<Complex> complex) {
        Net positive = null;
        for (Condition condition : conditions) {
            if (!condition.positive()) {
                continue;
            }
            if (positive == null || positive.contains(condition.net())) {
                positive = condition.net();
            } else if (!condition.net().contains(positive)) {
                return;
            }
        }
        List<Net> negatives = new ArrayList<>();
        for (Condition condition : conditions) {
            if (condition.positive()) {
                continue;
            }
            Net negative = condition.net();
            if (positive != null) {
                if (negative.contains(positive)) {
                    return;
                }
                if (!positive.contains(negative)) {
                    continue;
                }
            }
            negatives.add(negative);
        }
        if (negatives.isEmpty()) {
            simpleNets.add(positive);
            simpleRules.add(rule);
        } else {
            complex.add(new Complex(rule, positive, negatives.toArray(new Net[0])));
        }
    }

    /** {@code addr}, {@code addr/len}, {@code [v6addr]}, {@code [v6addr]/len} or {@code [v6addr/len]}. */
    static Net parseNet(String text) throws SkipRule {
        String address = text;
        String length = null;
        if (address.startsWith("[")) {
            int close = address.indexOf(']');
            if (close < 0) {
                throw new SkipRule("missing \"]\" in \"" + text + "\"");
            }
            String after = address.substring(close + 1);
            address = address.substring(1, close);
            if (!after.isEmpty()) {
                if (!after.startsWith("/") || address.contains("/")) {
                    throw new SkipRule("bad address pattern \"" + text + "\"");
                }
                length = after.substring(1);
            }
        }
        int slash = address.indexOf('/');
        if (slash >= 0) {
            length = address.substring(slash + 1);
            address = address.substring(0, slash);
        }
        IpAddress parsed = IpAddress.parse(address);
        if (parsed == null) {
            throw new SkipRule("bad address pattern \"" + text + "\": not a numeric IPv4 or IPv6 address");
        }
        int prefix = parsed.bits();
        if (length != null) {
            if (length.isEmpty() || length.length() > 3 || !length.chars().allMatch(c -> c >= '0' && c <= '9')
                    || Integer.parseInt(length) > parsed.bits()) {
                throw new SkipRule("bad network mask length in \"" + text + "\": expected 0 to "
                    + parsed.bits());
            }
            prefix = Integer.parseInt(length);
        }
        IpAddress masked = parsed.mask(prefix);
        if (!masked.equals(parsed)) {
            throw new SkipRule("non-null host address bits in \"" + text + "\", perhaps you should use \""
                + (parsed.v6() ? "[" + masked + "]" : masked) + "/" + prefix + "\" instead");
        }
        return new Net(masked, prefix);
    }

    private static boolean startsWithWord(String text, String word) {
        return text.regionMatches(true, 0, word, 0, word.length())
            && (text.length() == word.length() || !Character.isLetterOrDigit(text.charAt(word.length())));
    }

    /** An open-addressing map from a pair of longs to a non-negative int; the first value put for a key stays. */
    static final class LongPairIntMap {
        private final long[] his;
        private final long[] los;
        private final int[] values;
        private final int mask;

        LongPairIntMap(int expected) {
            int capacity = Integer.highestOneBit(Math.max(4, expected * 2 - 1)) << 1;
            his = new long[capacity];
            los = new long[capacity];
            values = new int[capacity];
            Arrays.fill(values, -1);
            mask = capacity - 1;
        }

        private static int hash(long hi, long lo) {
            long h = hi * 0x9E3779B97F4A7C15L + lo;
            h ^= h >>> 33;
            h *= 0xFF51AFD7ED558CCDL;
            h ^= h >>> 29;
            return (int) h;
        }

        void putIfAbsent(long hi, long lo, int value) {
            int i = hash(hi, lo) & mask;
            while (values[i] >= 0) {
                if (his[i] == hi && los[i] == lo) {
                    return;
                }
                i = (i + 1) & mask;
            }
            his[i] = hi;
            los[i] = lo;
            values[i] = value;
        }

        int get(long hi, long lo) {
            int i = hash(hi, lo) & mask;
            while (values[i] >= 0) {
                if (his[i] == hi && los[i] == lo) {
                    return values[i];
                }
                i = (i + 1) & mask;
            }
            return -1;
        }
    }
}
