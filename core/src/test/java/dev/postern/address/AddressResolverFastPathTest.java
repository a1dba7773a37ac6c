package dev.postern.address;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Random;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import dev.postern.address.AddressResolver.Role;
import dev.postern.tables.LookupException;

/**
 * The resolver's fast path for simple {@code local@domain} paths must give exactly what the
 * token rewriting gives: compared here on many generated paths, simple ones and every kind of
 * routing, quoting and malformation around them, under the settings that change the rewriting.
 */
class AddressResolverFastPathTest {
    private static final String H = AddressResolverTest.H;
    private static final String BROKEN = "broken.example";
    private static final String ATEXT = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789!#$%&'*+-/=?^_`{|}~";
    private static final String[] LABELS = {"example", "EXAMPLE", "Mx", "mx", "com", "net", "victim", "relay", "localhost",
        "xn--bcher-kva", "a-b", "1", "198", "51", "100", "9", "sub_domain", "x", BROKEN};
    private static final String[] DOMAINS = {H, "MX.Example.COM", "localhost", "localhost.example.com", "relay.example",
        "sub.relay.example", "victim.example", "[127.0.0.1]", "[192.0.2.1]", "[IPv6:::1]", "198.51.100.9", "", "a..b",
        "trailing.dot.", "two.dots..", ".lead", BROKEN, "Broken.Example", "-bad.example", "x_y.example", "ex ample.com"};
    private static final String[] PIECES = {"@", "%", "!", "\"", "[", "]", ".", ":", ",", ";", "<", ">", "(", ")", "\\",
        " ", "\t", "-", "relaytest", "Victim.example", H, "[127.0.0.1]", "localhost", "x", "@r1,@r2:", "\"a b\"",
        "\"u@v\"", "\"\"", "\"q%r\"", "(comment)", "é", "\u0085", "..", "postmaster", BROKEN};

    /** The settings of {@link AddressResolverTest}, and one domain whose lookup fails. */
    private static AddressResolver resolver(String settings) throws Exception {
        AddressClassifier classifier = AddressResolverTest.classifier();
        return new AddressResolver(AddressResolverTest.parameters(settings), domain -> {
            if (domain.equals(BROKEN)) {
                throw new LookupException("mydestination: lookup of " + domain + " failed");
            }
            return classifier.isLocal(domain);
        });
    }

    @ParameterizedTest
    @ValueSource(strings = {"-", "append_dot_mydomain=yes", "allow_percent_hack=no; swap_bangpath=no",
        "resolve_numeric_domain=yes; allow_min_user=yes", "resolve_null_domain=yes; resolve_dequoted_address=no",
        "append_at_myorigin=no; append_dot_mydomain=yes"})
    void fastPathGivesWhatTheTokenRewritingGives(String settings) throws Exception {
        AddressResolver resolver = resolver(settings);
        Random random = new Random(settings.hashCode());
        int fast = 0;
        int total = 60_000;
        for (int i = 0; i < total; i++) {
            String path = switch (random.nextInt(3)) {
                case 0 -> simple(random);
                case 1 -> nearlySimple(random);
                default -> pieces(random);
            };
            for (Role role : Role.values()) {
                Outcome expected = outcome(() -> resolver.resolveTokenized(path, role));
                Outcome actual = outcome(() -> resolver.resolve(path, role));
                assertThat(actual).as("%s %s [%s]", role, path, settings).isEqualTo(expected);
            }
            if (outcome(() -> resolver.resolveSimple(path)).result() != null) {
                fast++;
            }
        }
        // The comparison only means something if the fast path is taken often, and not always.
        assertThat(fast).as("fast-path share").isBetween(total / 5, total * 4 / 5);
    }

    /** Dot-atom local part and domain, in brackets or not, with the case and white space a client may send. */
    private static String simple(Random random) {
        StringBuilder local = new StringBuilder();
        int atoms = 1 + random.nextInt(3);
        for (int a = 0; a < atoms; a++) {
            if (a > 0) {
                local.append('.');
            }
            int length = 1 + random.nextInt(8);
            for (int c = 0; c < length; c++) {
                local.append(ATEXT.charAt(random.nextInt(ATEXT.length())));
            }
        }
        String domain = random.nextInt(3) == 0 ? pick(random, DOMAINS) : labels(random);
        String address = local + "@" + domain;
        String path = random.nextBoolean() ? "<" + address + ">" : address;
        return random.nextInt(10) == 0 ? " " + path + " " : path;
    }

    private static String labels(Random random) {
        StringBuilder domain = new StringBuilder();
        int labels = 1 + random.nextInt(4);
        for (int l = 0; l < labels; l++) {
            if (l > 0) {
                domain.append('.');
            }
            domain.append(pick(random, LABELS));
        }
        return domain.toString();
    }

    /** A simple path with one piece put in somewhere: routing, quotes, a route, a stray dot or bracket. */
    private static String nearlySimple(Random random) {
        String path = simple(random);
        int at = random.nextInt(path.length() + 1);
        return path.substring(0, at) + pick(random, PIECES) + path.substring(at);
    }

    private static String pieces(Random random) {
        StringBuilder path = new StringBuilder();
        int length = 1 + random.nextInt(8);
        for (int j = 0; j < length; j++) {
            path.append(random.nextInt(4) == 0 ? pick(random, DOMAINS) : pick(random, PIECES));
        }
        return path.toString();
    }

    private static String pick(Random random, String[] choices) {
        return choices[random.nextInt(choices.length)];
    }

    private interface Resolution {
        ResolvedAddress get() throws LookupException;
    }

    /** A result or the message of the lookup failure, so that both count in the comparison. */
    private record Outcome(ResolvedAddress result, String failure) {
    }

    private static Outcome outcome(Resolution resolution) {
        try {
            return new Outcome(resolution.get(), null);
        } catch (LookupException e) {
            return new Outcome(null, e.getMessage());
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"<user@example.com>", "user@Example.COM", " <first.last@mx.example.com> ", "<a+b@localhost>"})
    void commonPathsTakeTheFastPath(String path) throws Exception {
        AddressResolver resolver = resolver("-");
        ResolvedAddress fast = resolver.resolveSimple(path);
        assertThat(fast).isNotNull().isEqualTo(resolver.resolveTokenized(path, Role.RECIPIENT));
    }
}
