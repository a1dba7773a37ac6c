package dev.postern.app.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

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
 * cleanup end to end: canonical rewriting of envelope and headers and masquerading, as the next
 * hop (the test's sink, the relayhost) sees them; always_bcc; a virtual alias that expands to five
 * recipients on three routes (local Maildirs, the relayhost, a transport_maps next hop), logged with
 * orig_to; and the RCPT-time refusal of an
 * address of a virtual alias domain that has no alias.
 */
class CleanupRewritingIT {
    private static final String HOST = "mx.cleanup-it.test";
    private static final String LISTS = "lists.cleanup-it.test";
    private static final Duration DELIVERY = Duration.ofSeconds(60);

    @RegisterExtension
    static final PosternExtension postern = new PosternExtension();
    /**
     * Shared by both tests: mail for branch.example goes to {@code branch} through transport_maps, other
     * remote mail to {@code sink}; each test tells its messages by their Subject.
     */
    private static SmtpSink sink;
    private static SmtpSink branch;
    private static PosternProcess server;

    @BeforeAll
    static void startSharedServer() {
        sink = postern.newSink();
        branch = postern.newSink();
        server = postern.newServer().myhostname(HOST).relayhost(sink)
            .parameter("transport_maps", "texthash:conf/transport")
            .parameter("canonical_maps", "texthash:conf/canonical")
            .parameter("masquerade_domains", "corp.example")
            .parameter("always_bcc", "archive@remote.example")
            .parameter("virtual_alias_domains", LISTS)
            .parameter("virtual_alias_maps", "texthash:conf/virtual");
        server.writeConfFile("canonical", String.join("\n",
            "# envelope and header addresses, senders and recipients",
            "alice@client.example   alice.smith@client.example",
            "old@remote.example     new@remote.example",
            ""));
        server.writeConfFile("virtual", String.join("\n",
            "team@" + LISTS + "   bob@" + HOST + ", carol@" + HOST + ", dave@remote.example, sales@" + LISTS,
            "sales@" + LISTS + "  erin@branch.example, frank@branch.example",
            ""));
        server.writeConfFile("transport", "branch.example  smtp:[127.0.0.1]:" + branch.port() + "\n");
        server.start();
        server.webAdmin().putUser("bob@" + HOST, "secret");
        server.webAdmin().putUser("carol@" + HOST, "secret");
    }

    @Test
    void canonicalMasqueradeAndBccAreVisibleAtTheNextHop() {
        String content = "From: \"Alice\" <alice@client.example>\r\n"
            + "Reply-To: helpdesk@mail.corp.example (Help Desk)\r\n"
            + "To: Old Friend <old@remote.example>, other@remote.example\r\n"
            + "Subject: canonical-1\r\n"
            + "Message-ID: <canonical-1@it.postern.test>\r\n"
            + "\r\n"
            + "alice@client.example stays in the body\r\n";

        ClientReply reply = send(server, "alice@client.example", List.of("old@remote.example"), content);
        assertThat(reply.code()).as("%s", reply).isEqualTo(250);

        // the relay may hand the bcc copy over in a transaction of its own
        List<String> relayed = Await.value("the recipient and the bcc copy", DELIVERY, () -> recipients(sink, "canonical-1"),
            list -> list.size() >= 2);
        assertThat(relayed).containsExactlyInAnyOrder("new@remote.example", "archive@remote.example");
        assertThat(withSubject(sink, "canonical-1")).isNotEmpty().allSatisfy(message -> {
            assertThat(message.sender()).isEqualTo("alice.smith@client.example");
            assertThat(message.headerValues("From")).containsExactly("\"Alice\" <alice.smith@client.example>");
            assertThat(message.headerValues("Reply-To")).as("masqueraded: a header sender")
                .containsExactly("helpdesk@corp.example (Help Desk)");
            assertThat(message.headerValues("To")).containsExactly("Old Friend <new@remote.example>, other@remote.example");
            assertThat(message.headerValues("Message-ID")).containsExactly("<canonical-1@it.postern.test>");
            assertThat(message.body()).isEqualTo("alice@client.example stays in the body\r\n");
        });
    }

    @Test
    void aVirtualAliasExpandsToFiveRecipientsOnThreeRoutesAndAnUnknownAliasIsRefused() {

        try (SmtpClient client = server.connect()) {
            client.ehlo("client.example");
            assertThat(client.mailFrom("zed@client.example").code()).isEqualTo(250);
            assertThat(client.rcptTo("nobody@" + LISTS).full()).isEqualTo("550 5.1.1 <nobody@" + LISTS
                + ">: Recipient address rejected: User unknown in virtual alias table");
            assertThat(client.rcptTo("team@" + LISTS).full()).isEqualTo("250 2.1.5 Ok");
            ClientReply reply = client.data("From: zed@client.example\r\nTo: team@" + LISTS + "\r\nSubject: alias-1\r\n"
                + "Message-ID: <alias-1@it.postern.test>\r\n\r\nto the whole team\r\n");
            assertThat(reply.code()).as("%s", reply).isEqualTo(250);
            client.quit();
        }

        for (String user : List.of("bob", "carol")) {
            Path maildir = server.varDir().resolve("mail").resolve(HOST).resolve(user).resolve("Maildir").resolve("new");
            List<String> delivered = Await.value("a message in " + maildir, DELIVERY, () -> readAll(maildir),
                list -> !list.isEmpty());
            assertThat(delivered).hasSize(1);
            assertThat(delivered.get(0)).contains("Delivered-To: " + user + "@" + HOST + "\r\n")
                .contains("Subject: alias-1\r\n")
                .contains("To: team@" + LISTS + "\r\n");
        }
        List<String> relayed = Await.value("the relayed recipients", DELIVERY, () -> recipients(sink, "alias-1"),
            list -> list.size() >= 2);
        assertThat(relayed).containsExactlyInAnyOrder("dave@remote.example", "archive@remote.example");
        List<String> routed = Await.value("the recipients routed by transport_maps", DELIVERY, () -> recipients(branch, "alias-1"),
            list -> list.size() >= 2);
        assertThat(routed).containsExactlyInAnyOrder("erin@branch.example", "frank@branch.example");
        assertThat(branch.messages()).as("one route, one transaction").hasSize(1);
        assertThat(branch.messages()).allSatisfy(m -> assertThat(m.headerValues("Subject")).containsExactly("alias-1"));
        assertThat(sink.messages()).as("the other test's message is the only other one at the relayhost")
            .allSatisfy(m -> assertThat(m.headerValues("Subject")).containsAnyOf("alias-1", "canonical-1"));
        assertThat(server.maillog()).as("the delivery log names the alias each recipient came from")
            .containsPattern("postern/smtp\\[\\d+\\]: [0-9A-F]{12}: to=<erin@branch\\.example>, orig_to=<team@" + LISTS.replace(".", "\\.")
                + ">, relay=127\\.0\\.0\\.1\\[127\\.0\\.0\\.1\\]:" + branch.port() + ", .*status=sent")
            .containsPattern("postern/local\\[\\d+\\]: [0-9A-F]{12}: to=<bob@" + HOST.replace(".", "\\.") + ">, orig_to=<team@");
        assertThat(server.maillog()).as("the refused RCPT is logged as smtpd's NOQUEUE reject")
            .contains("NOQUEUE: reject: RCPT from localhost[127.0.0.1]: 550 5.1.1 <nobody@" + LISTS
                + ">: Recipient address rejected: User unknown in virtual alias table;");
    }

    private static ClientReply send(PosternProcess server, String sender, List<String> recipients, String content) {
        try (SmtpClient client = server.connect()) {
            client.ehlo("client.example");
            ClientReply reply = client.sendMail(sender, recipients, content);
            client.quit();
            return reply;
        }
    }

    /** The envelope recipients of the sink's messages with this Subject. */
    private static List<String> recipients(SmtpSink sink, String subject) {
        List<String> all = new ArrayList<>();
        withSubject(sink, subject).forEach(m -> all.addAll(m.recipients()));
        return all;
    }

    private static List<SinkMessage> withSubject(SmtpSink sink, String subject) {
        return sink.messages().stream().filter(m -> m.headerValues("Subject").contains(subject)).toList();
    }

    private static List<String> readAll(Path directory) {
        if (!Files.isDirectory(directory)) {
            return List.of();
        }
        try (Stream<Path> files = Files.list(directory)) {
            List<String> contents = new ArrayList<>();
            for (Path file : files.toList()) {
                contents.add(Files.readString(file, StandardCharsets.UTF_8));
            }
            return contents;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
