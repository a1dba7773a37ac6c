package dev.postern.app.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import dev.postern.app.harness.Await;
import dev.postern.app.harness.PosternExtension;
import dev.postern.app.harness.PosternProcess;
import dev.postern.app.harness.SmtpClient;
import dev.postern.app.harness.ClientReply;
import dev.postern.app.harness.TestMessages;
import dev.postern.testing.smtp.SinkMessage;
import dev.postern.testing.smtp.SmtpSink;

/**
 * Issue 14 item 4: twelve clients at once each send a 9.8 MB message of 700,000 short header lines
 * (under message_size_limit). Before the header limits, the server parsed each whole header into
 * memory: RSS went past 600 MB, OutOfMemoryError struck the SMTP and queue threads, clients got
 * {@code 451 Unable to process request} for messages that were delivered anyway, and temporary
 * files were left. Now every client gets a clear answer, the server's memory stays bounded, nothing
 * is left behind, and the next normal message is accepted and delivered. The server runs with a
 * 256 MB heap, so that memory that grows with the header shows as an OutOfMemoryError.
 */
class HeaderBombIT {
    private static final String H = "mx.bomb-it.test";
    private static final int CLIENTS = 12;
    private static final int HEADER_LINES = 700_000;
    private static final long RSS_LIMIT_KB = 512 * 1024;
    /** 8.4 million lines to read on a shared build machine: about a minute when the header is bounded. */
    private static final Duration REPLY_DEADLINE = Duration.ofMinutes(3);

    @RegisterExtension
    final PosternExtension postern = new PosternExtension();

    @Test
    void parallelHeaderBombsGetClearRepliesInBoundedMemory() throws Exception {
        SmtpSink sink = postern.newSink();
        // a heap a quarter of the launcher's default: bounded memory per message must make do with it
        PosternProcess server = postern.newServer().myhostname(H).relayhost(sink)
            .env("POSTERN_OPTS", "-Xms64m -Xmx256m").start();
        byte[] bomb = headerBomb();
        assertThat(bomb.length).as("under message_size_limit").isBetween(9_000_000, 10_240_000);

        AtomicLong peakRssKb = new AtomicLong(rssKb(server.pid()));
        List<String> replies;
        ExecutorService clients = Executors.newFixedThreadPool(CLIENTS + 1);
        try {
            Future<?> sampler = clients.submit(() -> sampleRss(server.pid(), peakRssKb));
            List<Future<String>> sent = new ArrayList<>();
            for (int i = 0; i < CLIENTS; i++) {
                sent.add(clients.submit(() -> send(server, bomb)));
            }
            replies = awaitReplies(sent, peakRssKb);
            sampler.cancel(true);
        } finally {
            clients.shutdownNow();
        }

        System.out.println("[HeaderBombIT] replies " + replies + "; server peak RSS " + peakRssKb.get() / 1024 + " MB");
        assertThat(replies).as("every client gets 250 or a clear permanent refusal, never a 4xx after an internal error")
            .allSatisfy(reply -> assertThat(reply).matches("(250|5\\d\\d) .*"));
        assertThat(server.isRunning()).as("the server survives\n" + server.describe()).isTrue();
        assertThat(server.console()).doesNotContain("OutOfMemoryError");
        assertThat(peakRssKb.get()).as("peak RSS of the server in KB").isLessThan(RSS_LIMIT_KB);

        try (SmtpClient client = server.connect()) {
            client.ehlo("client.example");
            assertThat(client.sendMail("alice@client.example", "bob@remote.example",
                TestMessages.withToken("alice@client.example", "bob@remote.example", "after-bombs", "hello\r\n")).code())
                .isEqualTo(250);
        }
        postfixHeaderLimits(server, sink);
        long accepted = replies.stream().filter(reply -> reply.startsWith("250")).count();
        Await.until("the normal messages and each accepted bomb are delivered", Duration.ofSeconds(60),
            () -> sink.messages().stream().anyMatch(m -> TestMessages.token(m).filter("after-bombs"::equals).isPresent())
                && sink.messageCount() == accepted + 3);
        Await.until("nothing is left in the queue", Duration.ofSeconds(30),
            () -> server.runCommand("queue").stdout().equals("Mail queue is empty\n"));
        assertThat(temporaryFiles(server.varDir())).as("temporary files left under var/").isEmpty();
    }

    /**
     * Postfix's limits on the same server: 49 Received: headers and Postern's own make the 50th
     * ({@code hopcount_limit}); 48 and Postern's own pass and are delivered (the default pipeline's
     * loop guard is at hopcount_limit too); a 200 KB folded header arrives cut to {@code header_size_limit}.
     */
    private static void postfixHeaderLimits(PosternProcess server, SmtpSink sink) {
        try (SmtpClient client = server.connect()) {
            client.ehlo("client.example");
            assertThat(client.sendMail("alice@client.example", "bob@remote.example",
                "Received: from hop.example\r\n".repeat(49) + TestMessages.withToken("alice@client.example",
                    "bob@remote.example", "looping", "hello\r\n")).full())
                .isEqualTo("554 5.4.0 Error: too many hops");
            assertThat(client.sendMail("alice@client.example", "bob@remote.example",
                "Received: from hop.example\r\n".repeat(48) + TestMessages.withToken("alice@client.example",
                    "bob@remote.example", "48-hops", "hello\r\n")).code())
                .isEqualTo(250);
            assertThat(client.sendMail("alice@client.example", "bob@remote.example",
                "X-Long: start\r\n" + ("\t" + "x".repeat(99) + "\r\n").repeat(2000) + TestMessages.withToken(
                    "alice@client.example", "bob@remote.example", "long-header", "hello\r\n")).code())
                .isEqualTo(250);
        }
        SinkMessage truncated = Await.value("the message with the long header is delivered", Duration.ofSeconds(60),
            () -> sink.messages().stream().filter(m -> TestMessages.token(m).filter("long-header"::equals).isPresent())
                .findFirst(), java.util.Optional::isPresent).orElseThrow();
        String longHeader = truncated.headers().stream().filter(h -> h.startsWith("X-Long:")).findFirst().orElseThrow();
        assertThat(longHeader.length()).as("unfolded X-Long: header, 200 KB sent, header_size_limit = 102400")
            .isBetween(100_000, 102_400);
        assertThat(truncated.body()).isEqualTo("hello\r\n");
    }

    /**
     * The clients' replies, failing as soon as the server's memory goes over the limit rather than
     * when the clients give up on a server that is busy collecting garbage.
     */
    private static List<String> awaitReplies(List<Future<String>> sent, AtomicLong peakRssKb) throws Exception {
        long deadline = System.nanoTime() + REPLY_DEADLINE.toNanos();
        List<String> replies = new ArrayList<>();
        for (Future<String> reply : sent) {
            while (true) {
                assertThat(peakRssKb.get()).as("peak RSS of the server in KB while the bombs arrive").isLessThan(RSS_LIMIT_KB);
                try {
                    replies.add(reply.get(1, TimeUnit.SECONDS));
                    break;
                } catch (TimeoutException e) {
                    assertThat(System.nanoTime() - deadline).as("all clients answered within " + REPLY_DEADLINE
                        + "; replies so far: " + replies).isNegative();
                }
            }
        }
        return replies;
    }

    /** One session: the bomb's reply as {@code CODE TEXT}. */
    private static String send(PosternProcess server, byte[] bomb) {
        try (SmtpClient client = SmtpClient.connect("127.0.0.1", server.smtpPort(), "127.0.0.1", REPLY_DEADLINE)) {
            client.ehlo("bomber.example");
            client.mailFrom("bomber@client.example");
            client.rcptTo("victim@remote.example");
            ClientReply reply = client.data(bomb);
            return reply.full();
        }
    }

    private static byte[] headerBomb() {
        ByteArrayOutputStream bomb = new ByteArrayOutputStream(10_000_000);
        bomb.writeBytes("From: <bomber@client.example>\r\nTo: <victim@remote.example>\r\nSubject: bomb\r\n"
            .getBytes(StandardCharsets.US_ASCII));
        for (int i = 0; i < HEADER_LINES; i++) {
            bomb.writeBytes(String.format("X-b: %07d\r\n", i).getBytes(StandardCharsets.US_ASCII));
        }
        bomb.writeBytes("\r\nbody\r\n".getBytes(StandardCharsets.US_ASCII));
        return bomb.toByteArray();
    }

    private static void sampleRss(long pid, AtomicLong peak) {
        while (!Thread.currentThread().isInterrupted()) {
            long rss = rssKb(pid);
            peak.accumulateAndGet(rss, Math::max);
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    /** VmRSS of a process in KB, 0 once it is gone. */
    private static long rssKb(long pid) {
        try (Stream<String> lines = Files.lines(Path.of("/proc", Long.toString(pid), "status"))) {
            return lines.filter(line -> line.startsWith("VmRSS:"))
                .map(line -> Long.parseLong(line.replaceAll("\\D", "")))
                .findFirst().orElse(0L);
        } catch (IOException e) {
            return 0;
        }
    }

    private static List<Path> temporaryFiles(Path var) {
        try (Stream<Path> files = Files.walk(var)) {
            return files.filter(file -> file.getFileName().toString().endsWith(".tmp")).toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
