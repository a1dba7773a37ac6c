package dev.postern.app.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.postern.app.harness.Await;
import dev.postern.app.harness.ExitResult;
import dev.postern.app.harness.PosternExtension;
import dev.postern.app.harness.PosternProcess;
import dev.postern.app.harness.TestMessages;
import dev.postern.testing.smtp.SmtpSink;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * {@code postern queue}, {@code flush} and {@code super} against a live server whose relay host answers
 * {@code 450} to every recipient, so that mail stays deferred until the test lets it through.
 */
class QueueControlIT {
    private static final String H = "mx.queue-it.test";
    private static final String SENDER = "alice@client.example";
    private static final Duration WAIT = Duration.ofSeconds(60);
    private static final String RECIPIENT_INDENT = " ".repeat(41);
    private static final ObjectMapper JSON = new ObjectMapper();

    @RegisterExtension
    static final PosternExtension postern = new PosternExtension();
    /**
     * Shared by every test that needs a running server: the access table holds only held@, the others'
     * recipients pass permit_mynetworks. The tests look at the whole queue, so each starts from an empty
     * queue, a sink that accepts and has recorded nothing.
     */
    private static SmtpSink sink;
    private static PosternProcess server;

    @BeforeAll
    static void startSharedServer() throws IOException {
        sink = postern.newSink();
        server = postern.newServer().myhostname(H).relayhost(sink)
            .parameter("smtpd_recipient_restrictions", "check_recipient_access texthash:conf/recipient_access, permit_mynetworks, reject");
        Files.writeString(server.confDir().resolve("recipient_access"), "held@remote.example  HOLD waiting for review\n");
        server.start();
    }

    @BeforeEach
    void emptyQueueAndSink() {
        Await.until("an empty queue before the test (the previous one's mail delivered or deleted)", WAIT,
            () -> server.runCommand("queue").stdout().equals("Mail queue is empty\n"));
        sink.resetReplies();
        sink.clear();
    }

    @Test
    void listsHoldsReleasesAndFlushesDeferredMail() {
        sink.setRcptReply("450 4.2.0 <bob@remote.example>: try again later");
        String qid = LocalDeliveryIT.queueIdOf(LocalDeliveryIT.send(server, SENDER, "bob@remote.example", "queue-1"));

        JsonNode deferred = awaitEntry(server, qid, "deferred");
        assertThat(deferred.get("sender").asText()).isEqualTo(SENDER);
        assertThat(deferred.get("message_size").asLong()).isPositive();
        assertThat(deferred.get("arrival_time").asLong())
            .isBetween(Instant.now().minusSeconds(300).getEpochSecond(), Instant.now().getEpochSecond());
        assertThat(deferred.get("recipients")).hasSize(1);
        assertThat(deferred.get("recipients").get(0).get("address").asText()).isEqualTo("bob@remote.example");
        assertThat(deferred.get("recipients").get(0).get("delay_reason").asText()).isNotBlank();

        ExitResult listing = server.runCommand("queue");
        assertThat(listing.exitCode()).as("%s", listing).isZero();
        List<String> lines = listing.stdoutLines();
        assertThat(lines).as("%s", listing).hasSize(6);
        assertThat(lines.get(0)).isEqualTo("-Queue ID-  --Size-- ----Arrival Time---- -Sender/Recipient-------");
        assertThat(lines.get(1)).as("ID, size right-aligned in 7, asctime cut to 20, sender")
            .matches(qid + " {1,7}" + deferred.get("message_size").asLong()
                + " [A-Z][a-z]{2} [A-Z][a-z]{2} [ 1-3][0-9] [0-2][0-9]:[0-5][0-9]:[0-5][0-9]  " + SENDER);
        assertThat(lines.get(1).substring(0, 20)).endsWith(" " + deferred.get("message_size").asLong());
        String reason = "(" + deferred.get("recipients").get(0).get("delay_reason").asText() + ")";
        assertThat(lines.get(2)).isEqualTo(" ".repeat(Math.max(0, 78 - reason.length())) + reason);
        assertThat(lines.get(3)).isEqualTo(RECIPIENT_INDENT + "bob@remote.example");
        assertThat(lines.get(4)).isEmpty();
        long kbytes = (deferred.get("message_size").asLong() + 1023) / 1024;
        assertThat(lines.get(5)).isEqualTo("-- " + kbytes + " Kbytes in 1 Request.");

        ExitResult hold = server.runCommand("super", "-h", qid);
        assertThat(hold.exitCode()).as("%s", hold).isZero();
        assertThat(hold.stderr()).contains("Placed on hold: 1 message");
        assertThat(entry(server, qid).map(e -> e.get("queue_name").asText())).contains("hold");
        assertThat(server.runCommand("queue").stdoutLines()).anyMatch(line -> line.startsWith(qid + "! "));
        assertThat(server.webAdmin().spoolQueueSize()).as("held mail is out of the queue, so it never expires").isZero();

        ExitResult release = server.runCommand("super", "-H", qid);
        assertThat(release.exitCode()).as("%s", release).isZero();
        assertThat(release.stderr()).contains("Released from hold: 1 message");
        assertThat(server.webAdmin().spoolQueueSize()).isEqualTo(1);
        assertThat(server.maillogLines())
            .anyMatch(line -> line.contains(" postern/postsuper[") && line.endsWith(": " + qid + ": placed on hold"))
            .anyMatch(line -> line.contains(" postern/postsuper[") && line.endsWith(": " + qid + ": released from hold"));
        // Released mail is tried again at once; the relay host still says 450, so it is deferred again.
        awaitEntry(server, qid, "deferred");
        assertThat(sink.messageCount()).isZero();

        sink.resetReplies();
        Await.holdsFor("deferred mail waits for its time", Duration.ofSeconds(2), () -> sink.messageCount() == 0);
        ExitResult flush = server.runCommand("flush");
        assertThat(flush.exitCode()).as("%s", flush).isZero();
        assertThat(TestMessages.token(sink.awaitMessages(1, WAIT).get(0))).contains("queue-1");
        Await.until("the delivered message leaves the queue", WAIT,
            () -> server.runCommand("queue").stdout().equals("Mail queue is empty\n"));
    }

    @Test
    void requeueSendsDeferredMailThroughThePipelineAgain() {
        sink.setRcptReply("450 4.2.0 try again later");
        String qid = LocalDeliveryIT.queueIdOf(LocalDeliveryIT.send(server, SENDER, "bob@remote.example", "requeue-1"));
        awaitEntry(server, qid, "deferred");

        sink.resetReplies();
        ExitResult requeue = server.runCommand("super", "-r", qid);
        assertThat(requeue.exitCode()).as("%s", requeue).isZero();
        assertThat(requeue.stderr()).contains("Requeued: 1 message");
        assertThat(TestMessages.token(sink.awaitMessages(1, WAIT).get(0))).contains("requeue-1");
    }

    @Test
    void deleteAllEmptiesQueueAndHold() {
        sink.setRcptReply("450 4.2.0 try again later");
        String first = LocalDeliveryIT.queueIdOf(LocalDeliveryIT.send(server, SENDER, "bob@remote.example", "delete-1"));
        String second = LocalDeliveryIT.queueIdOf(LocalDeliveryIT.send(server, "", "carol@remote.example", "delete-2"));
        awaitEntry(server, first, "deferred");
        awaitEntry(server, second, "deferred");
        assertThat(server.runCommand("super", "-h", second).exitCode()).isZero();
        assertThat(server.runCommand("queue").stdout()).contains(" MAILER-DAEMON\n").contains("in 2 Requests.");

        ExitResult delete = server.runCommand("super", "-d", "ALL");
        assertThat(delete.exitCode()).as("%s", delete).isZero();
        assertThat(delete.stderr()).contains("Deleted: 2 messages");
        ExitResult listing = server.runCommand("queue");
        assertThat(listing.stdoutLines()).containsExactly("Mail queue is empty");
        assertThat(server.runCommand("queue", "-j").stdout()).isEmpty();
        Await.holdsFor("deleted mail is not delivered", Duration.ofSeconds(2), () -> sink.messageCount() == 0);
    }

    @Test
    void mailHeldByAnAccessTableIsListedWithItsReasonAndReleasedThroughThePipeline() {
        String qid = LocalDeliveryIT.queueIdOf(LocalDeliveryIT.send(server, SENDER, "held@remote.example", "held-1"));

        JsonNode held = awaitEntry(server, qid, "hold");
        assertThat(held.get("recipients").get(0).get("delay_reason").asText()).isEqualTo("waiting for review");
        assertThat(server.runCommand("queue").stdoutLines()).contains(" ".repeat(78 - "(waiting for review)".length()) + "(waiting for review)");
        Await.holdsFor("held mail is not delivered", Duration.ofSeconds(2), () -> sink.messageCount() == 0);

        ExitResult release = server.runCommand("super", "-H", qid);
        assertThat(release.exitCode()).as("%s", release).isZero();
        assertThat(TestMessages.token(sink.awaitMessages(1, WAIT).get(0))).contains("held-1");
    }

    @Test
    void badQueueIdIsAUsageError() {
        ExitResult result = server.runCommand("super", "-d", "nonsense");
        assertThat(result.exitCode()).as("%s", result).isEqualTo(2);
        assertThat(result.stderrLines()).hasSize(1);
        assertThat(result.stderr()).contains("\"nonsense\" is not a queue ID");
    }

    @Test
    void stoppedServerGivesOneLineAndExitOne() {
        PosternProcess server = postern.newServer().myhostname(H).start();
        server.stop();
        for (String[] command : List.of(new String[] {"queue"}, new String[] {"flush"}, new String[] {"super", "-d", "ALL"})) {
            ExitResult result = server.runCommand(command);
            assertThat(result.exitCode()).as("%s", result).isEqualTo(1);
            assertThat(result.stdout()).isEmpty();
            assertThat(result.stderrLines()).as("%s", result).hasSize(1);
            assertThat(result.stderr()).contains("no Postern server answers at 127.0.0.1:" + server.webadminPort())
                .contains("postern_webadmin_listen");
        }
    }

    private static JsonNode awaitEntry(PosternProcess server, String qid, String queueName) {
        return Await.value(qid + " in the " + queueName + " queue", WAIT, () -> entry(server, qid).orElse(null),
            entry -> entry != null && entry.get("queue_name").asText().equals(queueName));
    }

    /** {@code postern queue -j}: one JSON object per line; the one for {@code qid}. */
    private static Optional<JsonNode> entry(PosternProcess server, String qid) {
        ExitResult result = server.runCommand("queue", "-j");
        assertThat(result.exitCode()).as("%s", result).isZero();
        List<JsonNode> entries = new ArrayList<>();
        for (String line : result.stdoutLines()) {
            try {
                entries.add(JSON.readTree(line));
            } catch (IOException e) {
                throw new UncheckedIOException("not one JSON object: " + line, e);
            }
        }
        return entries.stream().filter(e -> e.get("queue_id").asText().equals(qid)).findFirst();
    }
}
