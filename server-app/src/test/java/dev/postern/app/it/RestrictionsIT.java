package dev.postern.app.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import dev.postern.app.harness.Await;
import dev.postern.app.harness.PosternExtension;
import dev.postern.app.harness.PosternProcess;
import dev.postern.app.harness.SmtpClient;
import dev.postern.app.harness.ClientReply;
import dev.postern.testing.smtp.SinkMessage;
import dev.postern.testing.smtp.SmtpSink;

/**
 * Postfix restriction lists written in main.cf, end to end: the relay test addresses of nmap's
 * smtp-open-relay script from an untrusted client, and access tables in the recipient and
 * client lists with Postfix's reply texts.
 */
class RestrictionsIT {
    private static final String H = "mx.restrictions-it.test";
    /** nmap smtp-open-relay.nse's recipients, V = victim.example, H = this server, [IP] = its address. */
    private static final List<String> NMAP_RECIPIENTS = List.of(
        "relaytest@victim.example",
        "relaytest%victim.example@[127.0.0.1]",
        "relaytest%victim.example@" + H,
        "\"relaytest@victim.example\"",
        "\"relaytest%victim.example\"",
        "relaytest@victim.example@[127.0.0.1]",
        "\"relaytest@victim.example\"@[127.0.0.1]",
        "relaytest@victim.example@" + H,
        "@[127.0.0.1]:relaytest@victim.example",
        "@" + H + ":relaytest@victim.example",
        "victim.example!relaytest",
        "victim.example!relaytest@[127.0.0.1]",
        "victim.example!relaytest@" + H);

    @RegisterExtension
    static final PosternExtension postern = new PosternExtension();
    /**
     * One server for the access-table tests: one recipient_access table holds every test's entries, each
     * test its own recipients; only the REDIRECT/BCC/PREPEND test relays to the sink.
     */
    private static PosternProcess accessServer;
    private static SmtpSink accessSink;

    @BeforeAll
    static void startAccessTableServer() throws Exception {
        accessSink = postern.newSink();
        accessServer = postern.newServer().myhostname(H).relayhost(accessSink)
            .parameter("smtpd_client_restrictions", "check_client_access inline:{127.0.0.3=REJECT}")
            .parameter("smtpd_recipient_restrictions", "check_recipient_access texthash:conf/recipient_access");
        accessServer.appendMainCf("smtpd_restriction_classes = strict", "strict = reject_non_fqdn_sender, reject");
        Files.writeString(accessServer.confDir().resolve("recipient_access"), String.join("\n",
            "blocked@localhost  REJECT no thanks",
            "later@localhost  DEFER try tomorrow",
            "classy@localhost  strict",
            "held@" + H + "  HOLD waiting for review",
            "dropped@" + H + "  DISCARD",
            "moved@remote.example  REDIRECT new-home@remote.example",
            "watched@remote.example  BCC archive@remote.example",
            "tagged@remote.example  PREPEND X-Access-Tag: seen by the access table", ""));
        accessServer.start();
    }

    @Test
    void noNmapRelayTestAddressIsAcceptedFromAnUntrustedClient() {
        SmtpSink sink = postern.newSink();
        PosternProcess server = postern.newServer().myhostname(H).relayhost(sink).mynetworks("127.0.0.1/32").start();
        List<String> accepted = new ArrayList<>();
        for (String sender : List.of("", "antispam@victim.example", "antispam@" + H, "antispam@[127.0.0.1]")) {
            for (String recipient : NMAP_RECIPIENTS) {
                try (SmtpClient client = server.connectFrom("127.0.0.2")) {
                    client.ehlo("outsider.example");
                    client.mailFrom(sender);
                    ClientReply reply = client.command("RCPT TO:<" + recipient + ">");
                    if (reply.code() < 400) {
                        accepted.add("MAIL FROM:<" + sender + "> RCPT TO:<" + recipient + ">: " + reply.full());
                    }
                    client.quit();
                }
            }
        }
        assertThat(accepted).as("recipients accepted from an untrusted client").isEmpty();
        Await.holdsFor("nothing relayed", Duration.ofSeconds(2), () -> sink.messageCount() == 0);
    }

    @Test
    void accessTablesInRestrictionListsAnswerWithPostfixTexts() {
        PosternProcess server = accessServer;

        assertThat(rcpt(server, "127.0.0.1", "blocked@localhost"))
            .isEqualTo("554 5.7.1 <blocked@localhost>: Recipient address rejected: no thanks");
        assertThat(rcpt(server, "127.0.0.1", "later@localhost"))
            .isEqualTo("450 4.7.1 <later@localhost>: Recipient address rejected: try tomorrow");
        assertThat(rcpt(server, "127.0.0.3", "postmaster@localhost"))
            .isEqualTo("554 5.7.1 <unknown[127.0.0.3]>: Client host rejected: Access denied");
        assertThat(rcpt(server, "127.0.0.1", "postmaster@localhost")).isEqualTo("250 2.1.5 Ok");
        assertThat(rcpt(server, "127.0.0.1", "classy@localhost"))
            .as("a restriction class named by an access table")
            .isEqualTo("554 5.7.1 <classy@localhost>: Recipient address rejected: Access denied");
        server.awaitMaillogLine("the reject line", Duration.ofSeconds(10), line -> line.contains(
            "NOQUEUE: reject: RCPT from localhost[127.0.0.1]: 554 5.7.1 <blocked@localhost>: Recipient address rejected: no thanks;"
                + " from=<alice@client.example> to=<blocked@localhost> proto=ESMTP helo=<client.example>"));
    }

    @Test
    void holdAndDiscardResultsKeepOrDropTheAcceptedMessage() {
        PosternProcess server = accessServer;
        server.webAdmin().putUser("held@" + H, "secret");
        server.webAdmin().putUser("dropped@" + H, "secret");

        String held = LocalDeliveryIT.queueIdOf(LocalDeliveryIT.send(server, "alice@client.example", "held@" + H, "held-1"));
        String dropped = LocalDeliveryIT.queueIdOf(LocalDeliveryIT.send(server, "alice@client.example", "dropped@" + H, "dropped-1"));

        String hold = "/mailRepositories/" + java.net.URLEncoder.encode("var/spool/hold", java.nio.charset.StandardCharsets.UTF_8)
            + "/mails";
        Await.until("the held message in the hold repository", Duration.ofSeconds(30),
            () -> server.webAdmin().get(hold).body().contains(held));
        server.awaitMaillogLine("the discarded message leaves the queue", Duration.ofSeconds(30),
            line -> line.endsWith(dropped + ": removed"));
        assertThat(server.maillogLines())
            // At the first recipient the queue ID does not exist yet: Postfix writes NOQUEUE there too.
            .anyMatch(line -> line.contains("NOQUEUE: hold: RCPT from localhost[127.0.0.1]: <held@" + H + ">: Recipient address"
                + " waiting for review;"))
            .anyMatch(line -> line.contains("NOQUEUE: discard: RCPT from localhost[127.0.0.1]: <dropped@" + H
                + ">: Recipient address triggers DISCARD action;"));
        assertThat(server.varDir().resolve("mail").resolve(H).resolve("held")).doesNotExist();
        assertThat(server.varDir().resolve("mail").resolve(H).resolve("dropped")).doesNotExist();
    }

    private static String rcpt(PosternProcess server, String from, String recipient) {
        try (SmtpClient client = server.connectFrom(from)) {
            client.ehlo("client.example");
            client.mailFrom("alice@client.example");
            String reply = client.rcptTo(recipient).full();
            client.quit();
            return reply;
        }
    }

    @Test
    void redirectBccAndPrependResultsActOnTheRelayedMessage() {
        PosternProcess server = accessServer;
        SmtpSink sink = accessSink;

        try (SmtpClient client = server.connect()) {
            client.ehlo("client.example");
            for (String recipient : List.of("moved@remote.example", "watched@remote.example", "tagged@remote.example")) {
                ClientReply reply = client.sendMail("alice@client.example", recipient,
                    dev.postern.app.harness.TestMessages.withToken("alice@client.example", recipient, recipient, "hi"));
                assertThat(reply.code()).as("%s: %s", recipient, reply).isEqualTo(250);
            }
        }
        List<SinkMessage> messages = sink.awaitMessages(3, Duration.ofSeconds(60));
        Await.holdsFor("no more than the three messages", Duration.ofSeconds(2), () -> sink.messageCount() == 3);
        java.util.Map<String, SinkMessage> byToken = new java.util.HashMap<>();
        messages.forEach(m -> byToken.put(dev.postern.app.harness.TestMessages.token(m).orElseThrow(), m));
        assertThat(byToken.get("moved@remote.example").recipients()).as("REDIRECT replaces the recipient")
            .containsExactly("new-home@remote.example");
        assertThat(byToken.get("watched@remote.example").recipients()).as("BCC adds one")
            .containsExactlyInAnyOrder("watched@remote.example", "archive@remote.example");
        assertThat(byToken.get("tagged@remote.example").headerValues("X-Access-Tag"))
            .containsExactly("seen by the access table");
        assertThat(byToken.get("tagged@remote.example").headers().get(0)).as("PREPEND goes first, above Received:")
            .startsWith("X-Access-Tag:");
        assertThat(server.maillogLines())
            .anyMatch(line -> line.contains(": redirect: RCPT from localhost[127.0.0.1]: <moved@remote.example>:"
                + " Recipient address triggers REDIRECT new-home@remote.example;"))
            .anyMatch(line -> line.contains(": bcc: RCPT from localhost[127.0.0.1]: <watched@remote.example>:"
                + " Recipient address triggers BCC archive@remote.example;"));
    }

    @Test
    void unlistedSendersAndRecipientsOfTheMailboxDomains() {
        PosternProcess server = postern.newServer().myhostname(H)
            .parameter("smtpd_reject_unlisted_sender", "yes")
            .parameter("smtpd_reject_unlisted_recipient", "no")
            .parameter("smtpd_recipient_restrictions", "permit_mynetworks, reject_unlisted_recipient").start();
        server.webAdmin().putUser("bob@" + H, "secret");

        try (SmtpClient client = server.connectFrom("127.0.0.2")) {
            client.ehlo("client.example");
            client.mailFrom("nobody@" + H);
            assertThat(client.rcptTo("bob@" + H).full())
                .isEqualTo("550 5.1.0 <nobody@" + H + ">: Sender address rejected: User unknown in local recipient table");
            client.rset();
            client.mailFrom("alice@client.example");
            assertThat(client.rcptTo("carol@" + H).full()).as("the list's reject_unlisted_recipient")
                .isEqualTo("550 5.1.1 <carol@" + H + ">: Recipient address rejected: User unknown in local recipient table");
            assertThat(client.rcptTo("bob@" + H).full()).isEqualTo("250 2.1.5 Ok");
        }
        try (SmtpClient client = server.connect()) {
            client.ehlo("client.example");
            client.mailFrom("bob@" + H);
            assertThat(client.rcptTo("carol@" + H).full())
                .as("smtpd_reject_unlisted_recipient = no, and permit_mynetworks ends the list before the check")
                .isEqualTo("250 2.1.5 Ok");
        }
    }
}
