package dev.postern.app.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import dev.postern.app.harness.Await;
import dev.postern.app.harness.DeliveryLogLine;
import dev.postern.app.harness.FreePorts;
import dev.postern.app.harness.PosternExtension;
import dev.postern.app.harness.PosternProcess;
import dev.postern.app.harness.TestMessages;
import dev.postern.testing.smtp.SinkMessage;
import dev.postern.testing.smtp.SmtpSink;

/**
 * Remote delivery that fails for a while, with Postfix's backoff shortened to seconds
 * ({@code minimal_backoff_time = 2s}, {@code maximal_backoff_time = 4s}): a next hop answering 4xx is
 * retried no sooner than the backoff allows and the message is delivered once it accepts, exactly
 * once; a deferred message keeps its retry schedule across a server restart.
 */
class DeliveryRetryIT {
    private static final String H = "mx.retry-it.test";
    private static final String SENDER = "alice@client.example";
    private static final String RECIPIENT = "bob@remote.test";
    private static final Duration MINIMAL_BACKOFF = Duration.ofSeconds(2);
    private static final Duration MAXIMAL_BACKOFF = Duration.ofSeconds(4);
    private static final Duration WAIT = Duration.ofSeconds(60);

    @RegisterExtension
    final PosternExtension postern = new PosternExtension();

    private PosternProcess server(String relayhost) {
        return postern.newServer().myhostname(H).parameter("relayhost", relayhost)
            .parameter("minimal_backoff_time", "2s")
            .parameter("maximal_backoff_time", "4s");
    }

    @Test
    void aNextHopAnswering4xxIsRetriedOnTheBackoffScheduleAndGetsTheMessageOnce() {
        List<Instant> rcpts = Collections.synchronizedList(new ArrayList<>());
        SmtpSink sink = postern.newSink().setRcptReply(recipient -> {
            rcpts.add(Instant.now());
            return rcpts.size() <= 3 ? "450 4.2.0 try later" : "250 2.1.5 Ok";
        });
        PosternProcess server = server(sink.relayhost()).start();

        String queueId = TransportMapsIT.send(server, SENDER, List.of(RECIPIENT), "retry-1");

        SinkMessage message = sink.awaitMessages(1, WAIT).get(0);
        assertThat(message.recipients()).containsExactly(RECIPIENT);
        assertThat(TestMessages.token(message)).contains("retry-1");
        List<DeliveryLogLine> lines = Await.value("the sent line", WAIT, () -> DeliveryLogLine.of(server, RECIPIENT),
            all -> all.stream().anyMatch(line -> line.status().equals("sent")));
        assertThat(lines).extracting(DeliveryLogLine::status).containsExactly("deferred", "deferred", "deferred", "sent");
        assertThat(lines).allSatisfy(line -> {
            assertThat(line.queueId()).as(line.line()).isEqualTo(queueId);
            assertThat(line.relay()).as(line.line()).isEqualTo("127.0.0.1[127.0.0.1]:" + sink.port());
        });
        assertThat(lines.get(0).dsn()).isEqualTo("4.2.0");
        assertThat(lines.get(0).text())
            .isEqualTo("host 127.0.0.1[127.0.0.1] said: 450 4.2.0 try later (in reply to RCPT TO command)");
        assertThat(lines.get(3).dsn()).isEqualTo("2.0.0");
        assertThat(lines.get(3).text()).startsWith("250 2.0.0 Ok: queued as SINK");

        List<Instant> attempts = List.copyOf(rcpts);
        assertThat(attempts).as("one RCPT per attempt").hasSize(4);
        for (int i = 1; i < attempts.size(); i++) {
            assertThat(Duration.between(attempts.get(i - 1), attempts.get(i)))
                .as("attempt %d came at least minimal_backoff_time after attempt %d: %s", i + 1, i, attempts)
                .isGreaterThanOrEqualTo(MINIMAL_BACKOFF);
        }
        // The wait is the message's age, within the bounds: over 4 s old at the third attempt, it waits
        // maximal_backoff_time.
        assertThat(Duration.between(attempts.get(2), attempts.get(3)))
            .as("the fourth attempt waited maximal_backoff_time: %s", attempts)
            .isGreaterThanOrEqualTo(MAXIMAL_BACKOFF);
        Await.holdsFor("the message is delivered exactly once", Duration.ofSeconds(5), () -> sink.messageCount() == 1);
        assertThat(DeliveryLogLine.of(server, RECIPIENT)).as("no attempt after the delivery").hasSize(4);
    }

    @Test
    void aDeferredMessageIsStillRetriedAndDeliveredAfterARestart() {
        int port = FreePorts.allocate();
        SmtpSink sink = postern.newSinkOnPort(port);
        PosternProcess server = server("[127.0.0.1]:" + port).start();

        String queueId = TransportMapsIT.send(server, SENDER, List.of(RECIPIENT), "restart-1");
        DeliveryLogLine first = TransportMapsIT.awaitLine(server, RECIPIENT);
        assertThat(first.queueId()).isEqualTo(queueId);
        assertThat(first.status()).isEqualTo("deferred");
        assertThat(first.dsn()).isEqualTo("4.4.1");
        assertThat(first.text()).isEqualTo("connect to 127.0.0.1[127.0.0.1]:" + port + ": Connection refused");

        assertThat(server.stop()).as("SIGTERM ends the server cleanly").isZero();
        int deferredBefore = DeliveryLogLine.of(server, RECIPIENT).size();
        server.start();
        Await.until("a retry after the restart, while the next hop is still down", WAIT,
            () -> DeliveryLogLine.of(server, RECIPIENT).size() > deferredBefore);

        Instant sinkUp = Instant.now();
        sink.start();
        SinkMessage message = sink.awaitMessages(1, WAIT).get(0);
        assertThat(message.receivedAt()).isAfter(sinkUp);
        assertThat(message.recipients()).containsExactly(RECIPIENT);
        assertThat(TestMessages.token(message)).contains("restart-1");
        assertThat(message.headerValues("Received").get(0)).contains(queueId);

        List<DeliveryLogLine> lines = Await.value("the sent line", WAIT, () -> DeliveryLogLine.of(server, RECIPIENT),
            all -> all.stream().anyMatch(line -> line.status().equals("sent")));
        assertThat(lines).allSatisfy(line -> assertThat(line.queueId()).as(line.line()).isEqualTo(queueId));
        assertThat(lines.subList(0, lines.size() - 1)).extracting(DeliveryLogLine::status).containsOnly("deferred");
        assertThat(lines.get(lines.size() - 1).status()).isEqualTo("sent");
        Await.holdsFor("the message is delivered exactly once", Duration.ofSeconds(5), () -> sink.messageCount() == 1);
    }
}
