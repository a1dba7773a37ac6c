package dev.postern.app.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.postern.app.harness.Await;
import dev.postern.app.harness.FreePorts;
import dev.postern.app.harness.PosternExtension;
import dev.postern.app.harness.PosternProcess;
import dev.postern.app.harness.SmtpClient;
import dev.postern.app.harness.ClientReply;
import dev.postern.app.harness.TestMessages;
import dev.postern.testing.smtp.SmtpSink;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * "Nothing lost": every message answered {@code 250} reaches the next hop, across a downstream outage, a
 * SIGKILL and a restart. Duplicates are allowed (as in Postfix, a delivery cut short may be repeated) and
 * printed; a missing message fails the test.
 */
class DurabilityIT {

    private static final Duration ARRIVAL = Duration.ofSeconds(120);
    private static final Duration FLUSH_EVERY = Duration.ofSeconds(3);
    private static final String SENDER = "alice@client.example";

    @RegisterExtension
    final PosternExtension postern = new PosternExtension();

    @Test
    void messagesQueuedWhileRelayIsDownSurviveSigkill() throws Exception {
        int relayPort = FreePorts.allocate();
        PosternProcess server = postern.newServer().myhostname("mx.durability-it.test").relayhost(relayPort).start();

        int clients = 4;
        int perClient = 50;
        ExecutorService pool = Executors.newFixedThreadPool(clients);
        List<String> accepted = Collections.synchronizedList(new ArrayList<>());
        try {
            List<Future<List<String>>> refusals = new ArrayList<>();
            for (int c = 0; c < clients; c++) {
                int clientNumber = c;
                refusals.add(pool.submit(() -> {
                    List<String> refused = new ArrayList<>();
                    try (SmtpClient client = server.connect()) {
                        client.ehlo("client" + clientNumber + ".example");
                        for (int m = 0; m < perClient; m++) {
                            String token = "down-" + clientNumber + "-" + m;
                            String rcpt = "user" + m + "@remote.example";
                            ClientReply reply = client.sendMail(SENDER, rcpt,
                                    TestMessages.withToken(SENDER, rcpt, token, "message " + token + "\r\n"));
                            if (reply.code() == 250) {
                                accepted.add(token);
                            } else {
                                refused.add(token + ": " + reply.full());
                            }
                        }
                        client.quit();
                    }
                    return refused;
                }));
            }
            List<String> refused = new ArrayList<>();
            for (Future<List<String>> result : refusals) {
                refused.addAll(result.get(5, TimeUnit.MINUTES));
            }
            assertThat(refused).as("every message is accepted while the relay is down").isEmpty();
        } finally {
            pool.shutdownNow();
        }
        assertThat(accepted).hasSize(clients * perClient);

        assertThat(server.kill()).isEqualTo(137);
        SmtpSink sink = postern.newSinkOnPort(relayPort).start();
        server.start();

        Set<String> expected = new TreeSet<>(accepted);
        server.flushUntil("all " + expected.size() + " messages at the sink", ARRIVAL, FLUSH_EVERY,
                () -> TestMessages.tokenCounts(sink.messages()).keySet().containsAll(expected));
        assertArrivedOnce(expected, sink);
    }

    @Test
    void everyAcknowledgedMessageSurvivesSigkillMidStream() throws Exception {
        SmtpSink sink = postern.newSink();
        PosternProcess server = postern.newServer().myhostname("mx.durability-it.test").relayhost(sink).start();

        int clients = 2;
        Queue<String> acknowledged = new ConcurrentLinkedQueue<>();
        AtomicBoolean keepSending = new AtomicBoolean(true);
        ExecutorService pool = Executors.newFixedThreadPool(clients);
        List<Future<?>> senders = new ArrayList<>();
        long sendingSince = System.nanoTime();
        for (int c = 0; c < clients; c++) {
            int clientNumber = c;
            senders.add(pool.submit(() -> sendUntilCut(server.smtpPort(), clientNumber, keepSending, acknowledged)));
        }
        try {
            Await.until("a first message acknowledged", Duration.ofSeconds(30), () -> !acknowledged.isEmpty());
            // Let the stream run about two seconds so the kill lands in the middle of it.
            long left = Duration.ofSeconds(2).toNanos() - (System.nanoTime() - sendingSince);
            if (left > 0) {
                TimeUnit.NANOSECONDS.sleep(left);
            }
            assertThat(server.kill()).isEqualTo(137);
        } finally {
            keepSending.set(false);
            pool.shutdown();
            assertThat(pool.awaitTermination(2, TimeUnit.MINUTES)).isTrue();
        }
        for (Future<?> sender : senders) {
            sender.get();
        }
        Set<String> expected = new TreeSet<>(acknowledged);
        System.out.println("[DurabilityIT] " + expected.size() + " messages answered 250 before SIGKILL");
        assertThat(expected).isNotEmpty();

        server.start();
        server.flushUntil("all " + expected.size() + " acknowledged messages at the sink", ARRIVAL, FLUSH_EVERY,
                () -> TestMessages.tokenCounts(sink.messages()).keySet().containsAll(expected));
        assertArrivedOnce(expected, sink);
    }

    @Test
    void sigtermLetsAnOpenTransactionFinish() throws Exception {
        SmtpSink sink = postern.newSink();
        PosternProcess server = postern.newServer().myhostname("mx.durability-it.test").relayhost(sink).start();

        String content = TestMessages.withToken(SENDER, "bob@remote.example", "in-flight", "body\r\n");
        try (SmtpClient client = server.connect()) {
            client.ehlo("client.example");
            assertThat(client.mailFrom(SENDER).code()).isEqualTo(250);
            assertThat(client.rcptTo("bob@remote.example").code()).isEqualTo(250);
            assertThat(client.data().code()).isEqualTo(354);
            int bodyStart = content.indexOf("\r\n\r\n") + 4;
            client.sendRaw(content.substring(0, bodyStart));

            server.signalTerm();
            // Give the JVM a moment to begin shutting down, so the rest of the content arrives during shutdown.
            // This is not what is asserted: the reply and the exit status below are.
            TimeUnit.MILLISECONDS.sleep(1500);

            ClientReply reply = client.sendContent(content.substring(bodyStart));
            assertThat(reply.code()).as("reply to the end of DATA after SIGTERM: %s", reply).isEqualTo(250);
        }
        assertThat(server.awaitExit(Duration.ofSeconds(60))).isZero();

        if (sink.messageCount() == 0) {
            server.start();
        }
        server.flushUntil("the in-flight message at the sink", ARRIVAL, FLUSH_EVERY,
                () -> TestMessages.tokenCounts(sink.messages()).containsKey("in-flight"));
    }

    /** Sends on one connection after another until told to stop or the server goes away. */
    private static void sendUntilCut(int port, int clientNumber, AtomicBoolean keepSending, Queue<String> acknowledged) {
        int m = 0;
        while (keepSending.get()) {
            try (SmtpClient client = SmtpClient.connect("127.0.0.1", port, null, Duration.ofSeconds(30))) {
                client.ehlo("client" + clientNumber + ".example");
                while (keepSending.get()) {
                    String token = "live-" + clientNumber + "-" + m++;
                    String rcpt = "user" + clientNumber + "@remote.example";
                    ClientReply reply = client.sendMail(SENDER, rcpt,
                            TestMessages.withToken(SENDER, rcpt, token, "message " + token + "\r\n"));
                    if (reply.code() == 250) {
                        acknowledged.add(token);
                    }
                }
            } catch (RuntimeException e) {
                // The server was killed under us: what was acknowledged so far is what counts.
                return;
            }
        }
    }

    private static void assertArrivedOnce(Set<String> expected, SmtpSink sink) {
        Map<String, Integer> counts = TestMessages.tokenCounts(sink.messages());
        List<String> duplicates = TestMessages.duplicates(counts);
        System.out.println("[DurabilityIT] " + expected.size() + " expected, " + sink.messageCount()
                + " arrived, duplicates: " + (duplicates.isEmpty() ? "none" : duplicates));
        Set<String> missing = new TreeSet<>(expected);
        missing.removeAll(counts.keySet());
        assertThat(missing).as("messages answered 250 that never arrived").isEmpty();
    }
}
