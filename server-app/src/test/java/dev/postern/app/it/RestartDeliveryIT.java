package dev.postern.app.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import dev.postern.app.harness.Await;
import dev.postern.app.harness.PosternExtension;
import dev.postern.app.harness.PosternProcess;
import dev.postern.app.harness.SmtpClient;
import dev.postern.app.harness.ClientReply;
import dev.postern.app.harness.TestMessages;
import dev.postern.testing.smtp.SmtpSink;

/**
 * Issue 14 item 7: mail for existing users that is in the queue when the server is killed is delivered
 * after the restart, never bounced {@code 5.1.1 unknown user} because delivery began before the users
 * repository was ready.
 *
 * <p>To make the race certain rather than likely, every message is already due when the server boots:
 * the mailboxes are blocked by a plain file where the mail root's domain directories belong, so every
 * delivery defers ({@code 4.3.0 cannot update mailbox}) with a one-second backoff; the server is killed
 * ({@code kill -9}) with all of them deferred, the blockers are removed, and the server restarts on the
 * same home. The queue then holds due mail for a local user, a virtual mailbox user and a local alias
 * from the first moment the spooler runs.
 */
class RestartDeliveryIT {
    private static final String HOST = "mx.restart-it.test";
    private static final String VIRTUAL = "virtual.restart-it.test";
    private static final String SENDER = "alice@sender.example";
    private static final int MESSAGES = 20;
    private static final Duration DELIVERY = Duration.ofSeconds(90);

    @RegisterExtension
    final PosternExtension postern = new PosternExtension();

    @Test
    void queuedLocalVirtualAndAliasedMailIsDeliveredAfterSigkillAndRestart() throws Exception {
        SmtpSink sink = postern.newSink();
        PosternProcess server = postern.newServer().myhostname(HOST).relayhost(sink)
            .parameter("alias_maps", "texthash:conf/aliases")
            .parameter("minimal_backoff_time", "1s")
            .parameter("maximal_backoff_time", "1s")
            .writeConfFile("aliases", "team: carol\n")
            .start();
        server.webAdmin().putUser("bob@" + HOST, "secret");
        server.webAdmin().putUser("carol@" + HOST, "secret");
        server.webAdmin().putDomain(VIRTUAL);
        server.webAdmin().putUser("vera@" + VIRTUAL, "secret");

        Path mailRoot = server.varDir().resolve("mail");
        List<Path> blockers = List.of(mailRoot.resolve(HOST), mailRoot.resolve(VIRTUAL));
        for (Path blocker : blockers) {
            Files.createDirectories(blocker.getParent());
            Files.writeString(blocker, "not a directory: every delivery here defers until this file is gone\n");
        }

        try (SmtpClient client = server.connect()) {
            client.ehlo("client.example");
            for (int m = 0; m < MESSAGES; m++) {
                String token = "restart-" + m;
                assertThat(client.mailFrom(SENDER).code()).isEqualTo(250);
                for (String rcpt : List.of("bob@" + HOST, "team@" + HOST, "vera@" + VIRTUAL)) {
                    assertThat(client.rcptTo(rcpt).code()).as("RCPT TO:<%s>", rcpt).isEqualTo(250);
                }
                ClientReply reply = client.data(TestMessages.withToken(SENDER, "bob@" + HOST, token, "body " + token + "\r\n"));
                assertThat(reply.code()).as("end of DATA for %s: %s", token, reply).isEqualTo(250);
            }
            client.quit();
        }
        Await.until("every recipient of every message deferred", DELIVERY,
            () -> count(server, "status=deferred") >= 3 * MESSAGES);

        assertThat(server.kill()).isEqualTo(137);
        for (Path blocker : blockers) {
            Files.delete(blocker);
        }
        server.start();

        for (Path maildir : List.of(mailRoot.resolve(HOST + "/bob/Maildir/new"), mailRoot.resolve(HOST + "/carol/Maildir/new"),
                mailRoot.resolve(VIRTUAL + "/vera/Maildir/new"))) {
            Await.until(MESSAGES + " messages in " + maildir + " (maillog:\n" + server.maillogTail(20) + ")", DELIVERY,
                () -> count(maildir) >= MESSAGES || count(server, "status=bounced") > 0);
            assertThat(server.maillogLines()).as("mail log lines of bounced mail").filteredOn(line -> line.contains("status=bounced"))
                .isEmpty();
            assertThat(count(maildir)).as("messages in %s", maildir).isEqualTo(MESSAGES);
        }
        assertThat(sink.messages()).as("bounces or anything else sent out").isEmpty();
    }

    private static long count(PosternProcess server, String status) {
        return server.maillogLines().stream().filter(line -> line.contains(status)).count();
    }

    private static long count(Path directory) {
        if (!Files.isDirectory(directory)) {
            return 0;
        }
        try (Stream<Path> files = Files.list(directory)) {
            return files.count();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
