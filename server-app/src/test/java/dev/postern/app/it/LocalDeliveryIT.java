package dev.postern.app.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
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
import dev.postern.app.harness.TestMessages;

/** Mail for a local user lands in its Maildir under var/mail/; an unknown local user is refused at RCPT. */
class LocalDeliveryIT {
    private static final String HOST = "mx.local-it.test";
    private static final Duration DELIVERY = Duration.ofSeconds(30);

    @RegisterExtension
    static final PosternExtension postern = new PosternExtension();
    /** Shared by both tests: only the first delivers, to bob, whom the second never names. */
    private static PosternProcess server;

    @BeforeAll
    static void startSharedServer() {
        server = postern.newServer().myhostname(HOST).start();
        server.webAdmin().putUser("bob@" + HOST, "secret");
    }

    @Test
    void aLocalUserReceivesIntoMaildirUnderEveryLocalDomain() throws Exception {

        String queueId1 = queueIdOf(send(server, "alice@sender.example", "bob@" + HOST, "local-1"));
        String queueId2 = queueIdOf(send(server, "", "BOB@localhost", "local-2"));

        Path maildir = server.varDir().resolve("mail").resolve(HOST).resolve("bob").resolve("Maildir");
        List<String> messages = Await.value("two messages in " + maildir, DELIVERY,
            () -> readAll(maildir.resolve("new")), list -> list.size() == 2);
        assertThat(Files.list(maildir.resolve("tmp")).count()).as("nothing left in tmp/").isZero();

        String first = messages.stream().filter(m -> m.contains("local-1")).findFirst().orElseThrow();
        assertThat(first).startsWith("Return-Path: <alice@sender.example>\r\nX-Original-To: bob@" + HOST
            + "\r\nDelivered-To: bob@" + HOST + "\r\n");
        assertThat(first).contains("by " + HOST + " (Postern) with ESMTP id " + queueId1);
        String second = messages.stream().filter(m -> m.contains("local-2")).findFirst().orElseThrow();
        assertThat(second).startsWith("Return-Path: <>\r\nX-Original-To: BOB@localhost\r\n"
            + "Delivered-To: bob@localhost\r\n");
        assertThat(second).contains("id " + queueId2);

        server.awaitMaillogLine("local delivery of " + queueId1, DELIVERY, line -> line.contains(
            "postern/local[") && line.contains(queueId1 + ": to=<bob@" + HOST + ">, relay=local, delay=")
            && line.endsWith(", dsn=2.0.0, status=sent (delivered to maildir)"));
    }

    @Test
    void anUnknownLocalUserIsRefusedAtRcptAndLogged() {
        try (SmtpClient client = server.connect()) {
            client.ehlo("client.example");
            assertThat(client.mailFrom("alice@sender.example").code()).isEqualTo(250);
            assertThat(client.rcptTo("nobody@localhost").full())
                .isEqualTo("550 5.1.1 <nobody@localhost>: Recipient address rejected: User unknown in local recipient table");
            client.quit();
        }
        server.awaitMaillogLine("the NOQUEUE reject line", DELIVERY, line -> line.matches(
            ".* postern/smtpd\\[\\d+\\]: NOQUEUE: reject: RCPT from localhost\\[127\\.0\\.0\\.1\\]: 550 5\\.1\\.1 "
                + "<nobody@localhost>: Recipient address rejected: User unknown in local recipient table; "
                + "from=<alice@sender\\.example> to=<nobody@localhost> proto=ESMTP helo=<client\\.example>"));
    }

    static ClientReply send(PosternProcess server, String from, String to, String token) {
        try (SmtpClient client = server.connect()) {
            client.ehlo("client.example");
            ClientReply reply = client.sendMail(from, to, TestMessages.withToken(from.isEmpty() ? "mailer-daemon@sender.example" : from,
                to, token, "hello " + token + "\r\n"));
            client.quit();
            assertThat(reply.full()).matches("250 2\\.0\\.0 Ok: queued as [0-9A-F]{12}");
            return reply;
        }
    }

    static String queueIdOf(ClientReply reply) {
        return reply.full().substring(reply.full().lastIndexOf(' ') + 1);
    }

    private static List<String> readAll(Path directory) {
        if (!Files.isDirectory(directory)) {
            return List.of();
        }
        try (Stream<Path> files = Files.list(directory)) {
            return files.map(LocalDeliveryIT::read).toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String read(Path file) {
        try {
            return new String(Files.readAllBytes(file), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
