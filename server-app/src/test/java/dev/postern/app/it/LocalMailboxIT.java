package dev.postern.app.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import dev.postern.app.harness.Await;
import dev.postern.app.harness.ExitResult;
import dev.postern.app.harness.PosternExtension;
import dev.postern.app.harness.PosternProcess;
import dev.postern.app.harness.SmtpClient;
import dev.postern.app.harness.ClientReply;
import dev.postern.app.harness.TestMessages;
import dev.postern.testing.smtp.SinkMessage;
import dev.postern.testing.smtp.SmtpSink;

/**
 * local(8) end to end: mbox delivery read back with Python's {@code mailbox} module, an aliases(5) file
 * expanding to a local user, an {@code :include:} list and a remote address (forwarded as a new message
 * to the relayhost sink), and a forwarding loop bounced.
 */
class LocalMailboxIT {
    private static final String HOST = "mx.mailbox-it.test";
    private static final Duration DELIVERY = Duration.ofSeconds(30);

    @RegisterExtension
    static final PosternExtension postern = new PosternExtension();
    /**
     * Shared by the alias and the loop tests (the mbox test needs another mailbox format): each has its
     * own local user, and tells its message at the sink by token or by the bounced address.
     */
    private static SmtpSink sink;
    private static PosternProcess server;

    @BeforeAll
    static void startSharedServer() {
        sink = postern.newSink();
        server = postern.newServer().myhostname(HOST).relayhost(sink)
            .parameter("alias_maps", "texthash:conf/aliases")
            .writeConfFile("aliases", "# Postern's aliases\n"
                + "team: bob,\n"
                + "   :include:conf/team-list, friend@remote.example\n")
            .writeConfFile("team-list", "# included\ncarol\n")
            .start();
        for (String user : List.of("bob", "carol", "dave")) {
            server.webAdmin().putUser(user + "@" + HOST, "secret");
        }
    }

    @Test
    void mboxDeliveryIsReadableByAStandardMboxParser() throws Exception {
        PosternProcess server = postern.newServer().myhostname(HOST)
            .parameter("postern_local_mailbox_format", "mbox").start();
        server.webAdmin().putUser("bob@" + HOST, "secret");

        send(server, "alice@sender.example", "bob@" + HOST, "mbox-1", "first line\r\nFrom the start of a line\r\n");
        send(server, "", "bob@localhost", "mbox-2", ">From already quoted\r\nlast line");

        Path mbox = server.varDir().resolve("mail").resolve(HOST).resolve("bob");
        Await.value("two messages in " + mbox, DELIVERY, () -> parse(mbox), lines -> lines.size() == 2);
        assertThat(parse(mbox)).containsExactlyInAnyOrder("from=alice@sender.example|return-path=<alice@sender.example>"
            + "|x-original-to=bob@" + HOST + "|delivered-to=bob@" + HOST + "|subject=postern-it token mbox-1"
            + "|body=first line\\n>From the start of a line\\n",
            "from=MAILER-DAEMON|return-path=<>|x-original-to=bob@localhost"
            + "|delivered-to=bob@localhost|subject=postern-it token mbox-2|body=>>From already quoted\\nlast line\\n");
        assertThat(mbox.resolveSibling("bob.lock")).doesNotExist();
        server.awaitMaillogLine("the mailbox delivery line", DELIVERY, line -> line.contains("postern/local[")
            && line.contains("to=<bob@localhost>, relay=local") && line.endsWith("status=sent (delivered to mailbox)"));
    }

    @Test
    void anAliasReachesALocalUserAnIncludeListAndARemoteAddress() throws Exception {

        String queueId = LocalDeliveryIT.queueIdOf(send(server, "alice@sender.example", "team@" + HOST, "alias-1",
            "to the team\r\n"));

        Path mail = server.varDir().resolve("mail").resolve(HOST);
        for (String user : List.of("bob", "carol")) {
            List<String> delivered = Await.value(user + "'s copy", DELIVERY, () -> readAll(mail.resolve(user + "/Maildir/new")),
                list -> list.size() == 1);
            assertThat(delivered.get(0)).startsWith("Return-Path: <alice@sender.example>\r\nX-Original-To: team@" + HOST
                + "\r\nDelivered-To: " + user + "@" + HOST + "\r\n").contains("alias-1");
        }
        List<SinkMessage> forwardedCopies = TestMessages.awaitToken(sink, "alias-1", DELIVERY);
        assertThat(forwardedCopies).hasSize(1);
        SinkMessage forwarded = forwardedCopies.get(0);
        assertThat(forwarded.recipients()).containsExactly("friend@remote.example");
        assertThat(forwarded.sender()).isEqualTo("alice@sender.example");
        assertThat(forwarded.headers()).contains("Delivered-To: team@" + HOST);
        assertThat(TestMessages.token(forwarded)).contains("alias-1");

        String line = server.awaitMaillogLine("the alias delivery line", DELIVERY, l -> l.contains("postern/local[")
            && l.contains(queueId + ": to=<team@" + HOST + ">, relay=local") && l.contains("status=sent (delivered to maildir, forwarded as "));
        String newQueueId = line.substring(line.lastIndexOf(' ') + 1, line.length() - 1);
        assertThat(newQueueId).matches("[0-9A-F]{12}").isNotEqualTo(queueId);
        server.awaitMaillogLine("the forwarded message's own delivery", DELIVERY, l -> l.contains(newQueueId
            + ": to=<friend@remote.example>") && l.contains("status=sent"));
    }

    @Test
    void aMessageThatWasAlreadyDeliveredToTheRecipientBouncesAsALoop() {
        String message = "Delivered-To: dave@" + HOST + "\r\n"
            + TestMessages.withToken("alice@sender.example", "dave@" + HOST, "loop-1", "looping\r\n");

        String queueId;
        try (SmtpClient client = server.connect()) {
            client.ehlo("client.example");
            ClientReply reply = client.sendMail("alice@sender.example", "dave@" + HOST, message);
            client.quit();
            assertThat(reply.code()).isEqualTo(250);
            queueId = LocalDeliveryIT.queueIdOf(reply);
        }

        server.awaitMaillogLine("the loop bounce", DELIVERY, line -> line.contains(queueId + ": to=<dave@" + HOST
            + ">, relay=local") && line.endsWith("dsn=5.4.6, status=bounced (mail forwarding loop for dave@" + HOST + ")"));
        SinkMessage bounce = Await.value("the bounce at the sink", DELIVERY, sink::messages,
            list -> list.stream().anyMatch(m -> m.sender().isEmpty())).stream().filter(m -> m.sender().isEmpty()).findFirst()
            .orElseThrow();
        assertThat(bounce.recipients()).containsExactly("alice@sender.example");
        assertThat(bounce.contentAsString()).contains("mail forwarding loop for dave@" + HOST);
        assertThat(server.varDir().resolve("mail").resolve(HOST).resolve("dave").resolve("Maildir").resolve("new"))
            .satisfiesAnyOf(dir -> assertThat(dir).doesNotExist(), dir -> assertThat(dir).isEmptyDirectory());
    }

    @Test
    void aBadAliasesLineIsNamedByFileAndLineBeforeTheServerStarts() {
        PosternProcess server = postern.newServer().myhostname(HOST)
            .parameter("alias_maps", "texthash:conf/aliases")
            .writeConfFile("aliases", "# aliases\nteam: bob\nbroken line without a colon\n");

        ExitResult result = server.runCommand("check");

        assertThat(result.exitCode()).as("%s", result).isEqualTo(1);
        assertThat(result.stderrLines()).as("%s", result)
            .anyMatch(line -> line.startsWith("postern: fatal: ") && line.contains("aliases:3: expected format: name: destination"));
        assertThat(result.stderr()).doesNotContain("\tat ");
    }

    private static ClientReply send(PosternProcess server, String from, String to, String token, String body) {
        try (SmtpClient client = server.connect()) {
            client.ehlo("client.example");
            ClientReply reply = client.sendMail(from, to, TestMessages.withToken(
                from.isEmpty() ? "mailer-daemon@sender.example" : from, to, token, body));
            client.quit();
            assertThat(reply.full()).matches("250 2\\.0\\.0 Ok: queued as [0-9A-F]{12}");
            return reply;
        }
    }

    /**
     * Python's mailbox.mbox reads the file: one line per message with the From_ sender, the three
     * delivery headers, the subject and the body (line breaks written as \n).
     */
    private static List<String> parse(Path mbox) {
        if (!Files.exists(mbox)) {
            return List.of();
        }
        String script = String.join("\n",
            "import mailbox, sys",
            "for m in mailbox.mbox(sys.argv[1], create=False):",
            "    body = m.get_payload()",
            "    print('from=%s|return-path=%s|x-original-to=%s|delivered-to=%s|subject=%s|body=%s' % (",
            "        m.get_from().split(' ')[0], m['Return-Path'], m['X-Original-To'], m['Delivered-To'],",
            "        m['Subject'], body.replace('\\n', '\\\\n')))");
        try {
            Process process = new ProcessBuilder("python3", "-c", script, mbox.toString()).redirectErrorStream(true).start();
            String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!process.waitFor(30, TimeUnit.SECONDS) || process.exitValue() != 0) {
                throw new AssertionError("python3 mailbox failed on " + mbox + ": " + output);
            }
            return output.lines().toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    private static List<String> readAll(Path directory) {
        if (!Files.isDirectory(directory)) {
            return List.of();
        }
        try (Stream<Path> files = Files.list(directory)) {
            return files.map(file -> {
                try {
                    return Files.readString(file, StandardCharsets.UTF_8);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            }).toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
