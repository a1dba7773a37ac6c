package dev.postern.address;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Random;

import org.apache.james.core.MailAddress;
import org.junit.jupiter.api.Test;

import dev.postern.address.AddressResolver.Role;

/**
 * The one-parse rule as a property: for tens of thousands of generated RCPT paths (quotes,
 * escapes, {@code % ! @route:}, literals, comments, white space, control and 8-bit bytes), every
 * path that would be accepted is read the same way by every reader after {@link EnvelopePath}:
 * James's address built from it is the reading, and if the resolver (what the restrictions
 * judge) finds a final or relay destination for an untrusted client, the domain James's address
 * is routed by is of a final or relay class too — never another domain.
 */
class EnvelopePathDifferentialTest {
    private static final String H = AddressResolverTest.H;
    private static final String[] PIECES = {
        "a", "bob", "victim", "relaytest", "x.y", "+", "-", "_", "=", "'", "/", "?", "~",
        "@", "@", "@", "%", "!", ".", "..", ":", ",", ";", "<", ">", ">", "\"", "\"", "\\", "\\", "\\>", "\\\"",
        "[", "]", "(", ")", " ", "\t", "\r", "\n", "\0", "\u001b", "\b", "\u007f", "\u00e9", "\u3042",
        "evil.example", "evil.example", "relay.example", "sub.relay.example", H, H, "localhost", "localhost.example.com",
        "[127.0.0.1]", "[192.0.2.7]", "[IPv6:::1]", "127.0.0.1", "EVIL.EXAMPLE", ".", "@evil.example:", "@" + H + ":",
        "@" + H + ",@evil.example:"
    };
    private static final int PATHS = 40_000;

    @Test
    void whatTheRestrictionsJudgeIsWhatIsRouted() throws Exception {
        AddressClassifier classifier = AddressResolverTest.classifier();
        AddressResolver resolver = new AddressResolver(AddressResolverTest.parameters("-"), classifier::isLocal);
        Random random = new Random(20261207L);
        List<String> violations = new ArrayList<>();
        int readable = 0;
        int authorized = 0;
        for (int i = 0; i < PATHS; i++) {
            String argument = "TO:" + candidate(random, PIECES);
            EnvelopePath path;
            try {
                path = EnvelopePath.parse(argument, "TO", true);
            } catch (EnvelopePath.SyntaxException refused) {
                continue;
            }
            if (path.isNull()) {
                continue;
            }
            readable++;
            String mailbox = path.qualified(H);
            MailAddress james;
            try {
                james = new MailAddress(mailbox);
            } catch (Exception refusedByJames) {
                continue; // James refuses it too: 553, nothing queued
            }
            if (!EnvelopePath.readsAs(mailbox, james)) {
                continue; // the handler refuses a disagreement with 501
            }
            ResolvedAddress judged = resolver.resolve(path, Role.RECIPIENT);
            if (judged.isError() || judged.isRouted()) {
                continue; // 501, or never authorized (sender-specified routing)
            }
            AddressClass judgedClass = classifier.classify(judged);
            if (judgedClass == AddressClass.DEFAULT) {
                continue; // reject_unauth_destination refuses it for an untrusted client
            }
            authorized++;
            AddressClass routedClass = classifier.classify(routedDomain(james));
            if (routedClass == AddressClass.DEFAULT) {
                violations.add(argument + " judged " + judged.address() + " (" + judgedClass + ") but routed to "
                    + routedDomain(james));
            }
        }
        assertThat(violations).as("paths judged local or relay but routed elsewhere").isEmpty();
        assertThat(readable).as("generated paths that parse (the generator must reach the interesting cases)")
            .isGreaterThan(PATHS / 20);
        assertThat(authorized).as("paths judged a final or relay destination").isGreaterThan(PATHS / 100);
    }

    /**
     * The same for MAIL FROM against a sender access table ({@code spam@bad.example} and the
     * domain {@code bad2.example} REJECT): whenever the sender James queues is listed, the sender
     * the restrictions judge is listed too, so no second reading slips past check_sender_access.
     */
    @Test
    void aListedSenderIsJudgedAsListed() throws Exception {
        AddressClassifier classifier = AddressResolverTest.classifier();
        AddressResolver resolver = new AddressResolver(AddressResolverTest.parameters("-"), classifier::isLocal);
        Random random = new Random(20261208L);
        List<String> bypasses = new ArrayList<>();
        int listed = 0;
        for (int i = 0; i < PATHS; i++) {
            String argument = "FROM:" + sender(random);
            EnvelopePath path;
            MailAddress james;
            try {
                path = EnvelopePath.parse(argument, "FROM", true);
                if (path.isNull()) {
                    continue;
                }
                james = new MailAddress(path.qualified(H));
            } catch (Exception refused) {
                continue;
            }
            if (!EnvelopePath.readsAs(path.qualified(H), james) || !isListed(james.asString())) {
                continue;
            }
            listed++;
            ResolvedAddress judged = resolver.resolve(path, Role.SENDER);
            if (!judged.isError() && !isListed(judged.address())) {
                bypasses.add(argument + " queued as " + james.asString() + " but judged as " + judged.address());
            }
        }
        assertThat(bypasses).as("listed senders judged as unlisted").isEmpty();
        assertThat(listed).as("generated senders that are listed").isGreaterThan(PATHS / 200);
    }

    /** {@code <noise spam noise @ domain noise>}: mostly near a listed sender, so the listed case is common. */
    private static String sender(Random random) {
        StringBuilder path = new StringBuilder("<");
        appendNoise(path, random);
        path.append(random.nextBoolean() ? "spam" : "x");
        appendNoise(path, random);
        path.append('@').append(SENDER_PIECES[random.nextInt(SENDER_PIECES.length)]);
        appendNoise(path, random);
        return path.append('>').toString();
    }

    private static void appendNoise(StringBuilder path, Random random) {
        for (int n = random.nextInt(3) - 1; n > 0; n--) {
            path.append(SENDER_PIECES[random.nextInt(SENDER_PIECES.length)]);
        }
    }

    private static boolean isListed(String address) {
        String lower = address.toLowerCase(Locale.ROOT);
        return lower.equals("spam@bad.example") || lower.endsWith("@bad2.example");
    }

    private static final String[] SENDER_PIECES = {
        "spam", "spam", "x", "+", ".", "@", "@", "%", "!", "\\\"", "\\", "\\>", ">", "\"", "<", " ", "(", ")", ":",
        "bad.example", "bad.example", "BAD.Example", "bad2.example", "bad2.example", "ok.example", H, "[127.0.0.1]"
    };

    @Test
    void everyGeneratedBackslashOutsideQuotesIsRefused() {
        Random random = new Random(7L);
        for (int i = 0; i < PATHS / 4; i++) {
            String local = "v" + "\\" + PIECES[random.nextInt(PIECES.length)];
            String argument = "TO:<" + local + "@" + H + ">";
            try {
                EnvelopePath.parse(argument, "TO", true);
                assertThat(argument).as("a path with a backslash outside quotes was read").isNull();
            } catch (EnvelopePath.SyntaxException expected) {
                // refused, as it must be
            }
        }
    }

    /** The domain the router classifies: James's, with the brackets of a literal put back (as delivery's Domains does). */
    private static String routedDomain(MailAddress address) {
        String domain = address.getDomain().asString().toLowerCase(Locale.ROOT);
        if (!domain.startsWith("[") && (HostSyntax.isValidIpv4(domain) || HostSyntax.isValidIpv6(domain))) {
            return "[" + domain + "]";
        }
        return domain;
    }

    /** {@code <pieces>} mostly, sometimes unbracketed or with a parameter after. */
    private static String candidate(Random random, String[] alphabet) {
        StringBuilder path = new StringBuilder();
        int pieces = 1 + random.nextInt(7);
        for (int i = 0; i < pieces; i++) {
            path.append(alphabet[random.nextInt(alphabet.length)]);
        }
        return switch (random.nextInt(10)) {
            case 0 -> path.toString();
            case 1 -> "<" + path + "> NOTIFY=NEVER";
            case 2 -> "<" + path + ">" + alphabet[random.nextInt(alphabet.length)] + ">";
            default -> "<" + path + ">";
        };
    }
}
