package dev.postern.app.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.postern.app.harness.Await;
import dev.postern.app.harness.PosternExtension;
import dev.postern.app.harness.PosternProcess;
import dev.postern.app.harness.SmtpClient;
import dev.postern.app.harness.ClientReply;
import dev.postern.app.harness.TestMessages;
import dev.postern.testing.smtp.SinkMessage;
import dev.postern.testing.smtp.SmtpSink;
import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The one-parse rule end to end, from a client outside {@code mynetworks}: a MAIL FROM or RCPT TO
 * path that could be read two ways is refused with Postfix's {@code 501}, and of thousands of
 * generated paths every one the server accepts goes to a local mailbox or a relay domain, never to
 * another domain (the relayhost sink sees only relay-domain recipients).
 */
class OpenRelayPathsIT {
    private static final String H = "mx.paths-it.test";
    private static final Duration WAIT = Duration.ofSeconds(60);

    @RegisterExtension
    final PosternExtension postern = new PosternExtension();

    @Test
    void pathsWithTwoReadingsAreRefusedAndNothingIsRelayed() throws Exception {
        SmtpSink sink = postern.newSink();
        PosternProcess server = postern.newServer().myhostname(H).relayhost(sink).mynetworks("127.0.0.1/32")
            .parameter("smtpd_sender_restrictions", "check_sender_access texthash:conf/sender_access");
        Files.writeString(server.confDir().resolve("sender_access"), "spam@bad.example  REJECT no spam\n");
        server.start();
        List<String> twoReadings = List.of(
            "v\\>@evil.example", "victim+\\>@evil.example", "v\\@" + H + ">@evil.example", "v\\\\>@evil.example",
            "\"v\\\"@evil.example", "v@" + H + ">@evil.example", "v@" + H + " <x@evil.example", "<v@evil.example>",
            "v (" + H + ") @evil.example", "v@[127.0.0.1>@evil.example", "v@[127.0.0.[1]]@evil.example",
            "\"v@" + H + "\"x@evil.example", "v@evil.example@" + H, "v\u0000@" + H + ">@evil.example");
        List<String> accepted = new ArrayList<>();
        try (SmtpClient client = server.connectFrom("127.0.0.2")) {
            client.ehlo("probe.example");
            assertThat(client.mailFrom("a@probe.example").code()).isEqualTo(250);
            for (String path : twoReadings) {
                ClientReply reply = client.command("RCPT TO:<" + path + ">");
                if (reply.code() < 400) {
                    accepted.add(path + ": " + reply.full());
                }
            }
            assertThat(client.command("RCPT TO:<v\\>@evil.example>").full())
                .isEqualTo("501 5.1.3 Bad recipient address syntax");
            if (!accepted.isEmpty()) {
                client.data(TestMessages.withToken("a@probe.example", "victim@evil.example", "paths-1", "relayed?\r\n"));
            }
            client.rset();
            assertThat(client.command("MAIL FROM:<spam\\>@bad.example>").full())
                .as("a sender access table cannot be bypassed by a second reading")
                .isEqualTo("501 5.1.7 Bad sender address syntax");
            assertThat(client.command("MAIL FROM:<spam@bad.example>").code()).isEqualTo(250);
            assertThat(client.rcptTo("postmaster@" + H).full())
                .isEqualTo("554 5.7.1 <spam@bad.example>: Sender address rejected: no spam");
            client.quit();
        }
        assertThat(accepted).as("paths with two readings accepted from an untrusted client").isEmpty();
        server.awaitMaillogLine("the reject line names the path as written", WAIT, line -> line.contains(
            "NOQUEUE: reject: RCPT from unknown[127.0.0.2]: 501 5.1.3 Bad recipient address syntax;"
                + " from=<a@probe.example> to=<v\\>@evil.example> proto=ESMTP helo=<probe.example>"));
        Await.holdsFor("nothing relayed", Duration.ofSeconds(2), () -> sink.messageCount() == 0);
    }

    /**
     * Thousands of generated paths, pipelined from an untrusted client: every accepted recipient
     * is local (delivered or bounced here) or in relay_domains (relayed to the sink); the sink must
     * see no other domain, and the generator must reach relay-domain recipients.
     */
    @Test
    void everyAcceptedGeneratedPathGoesToALocalMailboxOrARelayDomain() {
        SmtpSink sink = postern.newSink();
        PosternProcess server = postern.newServer().myhostname(H).relayhost(sink).mynetworks("127.0.0.1/32")
            .parameter("relay_domains", "relay.example")
            .parameter("smtpd_reject_unlisted_recipient", "no")
            .start();
        Random random = new Random(14L);
        int acceptedCount = 0;
        List<String> queueIds = new ArrayList<>();
        for (int batch = 0; batch < 6; batch++) {
            try (SmtpClient client = server.connectFrom("127.0.0.2")) {
                client.ehlo("probe.example");
                List<String> lines = new ArrayList<>();
                lines.add("MAIL FROM:<>");
                for (int i = 0; i < 500; i++) {
                    lines.add("RCPT TO:" + candidate(random));
                }
                List<ClientReply> replies = client.pipeline(lines.toArray(String[]::new));
                assertThat(replies.get(0).code()).isEqualTo(250);
                long accepted = replies.stream().skip(1).filter(ClientReply::isPositiveCompletion).count();
                for (ClientReply reply : replies) {
                    assertThat(reply.code()).as("every RCPT gets an SMTP reply: %s", reply.full()).isBetween(200, 599);
                }
                acceptedCount += (int) accepted;
                if (accepted > 0) {
                    ClientReply queued = client.data(TestMessages.withToken("", "many@relay.example", "gen-" + batch, "generated\r\n"));
                    assertThat(queued.code()).as("end of DATA: %s", queued.full()).isEqualTo(250);
                    queueIds.add(queued.full().substring(queued.full().lastIndexOf(' ') + 1));
                }
                client.quit();
            }
        }
        assertThat(acceptedCount).as("the generator reaches accepted recipients").isGreaterThan(50);
        for (String queueId : queueIds) {
            server.awaitMaillogLine(queueId + " delivered or bounced to the last recipient", WAIT,
                line -> line.contains(queueId + ": removed"));
        }
        List<String> leaked = new ArrayList<>();
        int relayed = 0;
        for (SinkMessage message : sink.messages()) {
            for (String recipient : message.recipients()) {
                String domain = recipient.substring(recipient.lastIndexOf('@') + 1).toLowerCase(Locale.ROOT);
                if (domain.equals("relay.example") || domain.endsWith(".relay.example")) {
                    relayed++;
                } else {
                    leaked.add(recipient);
                }
            }
        }
        assertThat(leaked).as("recipients relayed to a domain that is neither local nor a relay domain").isEmpty();
        assertThat(relayed).as("relay-domain recipients reached the sink").isPositive();
    }

    private static final String[] PIECES = {
        "a", "bob", "victim", "x.y", "+", "-", "_", "=", "'", "/", "?", "~",
        "@", "@", "@", "%", "!", ".", "..", ":", ",", ";", "<", ">", ">", "\"", "\"", "\\", "\\", "\\>", "\\\"",
        "[", "]", "(", ")", " ", "\t", "\u0000", "\u001b", "\b", "\u007f", "\u00e9",
        "evil.example", "evil.example", "relay.example", "relay.example", "sub.relay.example", H, H, "localhost",
        "[127.0.0.1]", "[192.0.2.7]", "127.0.0.1", "EVIL.EXAMPLE", "RELAY.example", "@evil.example:", "@" + H + ":"
    };

    private static String candidate(Random random) {
        StringBuilder path = new StringBuilder();
        int pieces = 1 + random.nextInt(6);
        for (int i = 0; i < pieces; i++) {
            path.append(PIECES[random.nextInt(PIECES.length)]);
        }
        return switch (random.nextInt(8)) {
            case 0 -> path.toString();
            case 1 -> "<" + path + "> NOTIFY=NEVER";
            default -> "<" + path + ">";
        };
    }
}
