package dev.postern.app.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.List;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import dev.postern.app.harness.Await;
import dev.postern.app.harness.ClientReply;
import dev.postern.app.harness.ExitResult;
import dev.postern.app.harness.PosternExtension;
import dev.postern.app.harness.PosternProcess;
import dev.postern.app.harness.SmtpClient;
import dev.postern.app.harness.TestMessages;
import dev.postern.testing.smtp.SinkMessage;
import dev.postern.testing.smtp.SmtpSink;

/**
 * Scheduled delivery end to end, on one server: RFC 4865 FUTURERELEASE over real SMTP (the EHLO keyword,
 * the syntax and limit replies, HOLDFOR honoured to the second, across a restart, not cut short by
 * {@code postern flush}, released by {@code postern super -r}), {@code postern super -h QID --until TIME},
 * and a {@code postern_delivery_windows} window that opens during the test.
 */
class ScheduledDeliveryIT {
    private static final String H = "mx.scheduled-it.test";
    private static final String SENDER = "alice@client.example";
    private static final Duration WAIT = Duration.ofSeconds(30);
    /** How late after its time a released message may reach the sink (the queue checks due mail continuously). */
    private static final Duration PROMPTLY = Duration.ofSeconds(3);
    /** Longer than a restart takes on a busy machine, so that the release time is still ahead after it. */
    private static final Duration KEPT_HOLD = Duration.ofSeconds(55);
    private static final DateTimeFormatter WALL_CLOCK = DateTimeFormatter.ofPattern("HH:mm:ss").withZone(ZoneOffset.UTC);

    @RegisterExtension
    static final PosternExtension postern = new PosternExtension();
    /** The relay host: where all mail goes but that to windowed.example. */
    private static SmtpSink sink;
    /** The next hop of windowed.example, which has a delivery window. */
    private static SmtpSink batchSink;
    private static PosternProcess server;

    @BeforeAll
    static void startSharedServer() throws IOException {
        sink = postern.newSink();
        batchSink = postern.newSink();
        server = postern.newServer().myhostname(H).relayhost(sink)
            .parameter("postern_future_release_max_interval", "1h")
            .parameter("transport_maps", "texthash:conf/transport")
            .parameter("postern_delivery_windows", "texthash:conf/delivery_windows");
        Files.writeString(server.confDir().resolve("transport"), "windowed.example  smtp:" + batchHop() + "\n");
        Files.writeString(server.confDir().resolve("delivery_windows"), "# written by the window test\n");
        server.start();
    }

    private static String batchHop() {
        return "[127.0.0.1]:" + batchSink.port();
    }

    @BeforeEach
    void emptySinks() {
        sink.resetReplies();
        sink.clear();
        batchSink.clear();
    }

    @Test
    void ehloOffersFutureReleaseAndMailFromGetsTheRfcsReplies() {
        try (SmtpClient client = server.connect()) {
            Instant before = Instant.now().truncatedTo(ChronoUnit.SECONDS);
            ClientReply ehlo = client.ehlo("client.example");
            String keyword = ehlo.textLines().stream().filter(line -> line.startsWith("FUTURERELEASE")).findFirst().orElseThrow();
            String[] words = keyword.split(" ");
            assertThat(words).hasSize(3);
            assertThat(words[1]).isEqualTo("3600");
            assertThat(Instant.parse(words[2])).isBetween(before.plusSeconds(3600), Instant.now().plusSeconds(3600));

            assertThat(client.mailFrom(SENDER, "HOLDFOR=soon").full()).isEqualTo("501 5.5.4 Bad HOLDFOR parameter syntax");
            assertThat(client.mailFrom(SENDER, "HOLDFOR=1234567890").full()).isEqualTo("501 5.5.4 Bad HOLDFOR parameter syntax");
            assertThat(client.mailFrom(SENDER, "HOLDUNTIL=2026-12-08").full()).isEqualTo("501 5.5.4 Bad HOLDUNTIL parameter syntax");
            assertThat(client.mailFrom(SENDER, "HOLDFOR=60 HOLDUNTIL=" + Instant.now().plusSeconds(60)).full())
                .isEqualTo("501 5.5.4 Only one of HOLDFOR and HOLDUNTIL may be given");
            assertThat(client.mailFrom(SENDER, "HOLDFOR=3601").full()).isEqualTo("554 5.5.4 HOLDFOR is more than 3600 seconds ahead");
            assertThat(client.mailFrom(SENDER, "HOLDUNTIL=2020-01-01T00:00:00Z").full())
                .isEqualTo("554 5.5.4 HOLDUNTIL is in the past");
            assertThat(client.mailFrom(SENDER, "HOLDFOR=3600").code()).isEqualTo(250);
        }
        try (SmtpClient submission = SmtpClient.connect(server.submissionPort())) {
            assertThat(submission.ehlo("client.example").textLines()).as("submission's own limit, from conf/smtpserver.xml")
                .anyMatch(line -> line.startsWith("FUTURERELEASE 604800 "));
        }
    }

    @Test
    void holdForIsHonouredToTheSecond() {
        Instant asked = Instant.now();
        sendHeld("HOLDFOR=3", "holdfor-3");
        Instant release = asked.plusSeconds(3);

        Await.holdsFor("a message held for 3 s is not delivered before its time",
            positive(Duration.between(Instant.now(), release).minusMillis(100)), () -> sink.messageCount() == 0);
        SinkMessage delivered = awaitToken(sink, "holdfor-3", WAIT);
        assertThat(delivered.receivedAt()).isAfterOrEqualTo(release).isBefore(release.plus(PROMPTLY));
    }

    /**
     * The restart on this class's shared server: a message held for a minute keeps its time across it (the
     * restart must end before that time for the test to show anything, and is asserted to), one held for
     * half an hour is listed with its time after it, is not released by {@code postern flush}, and is by
     * {@code postern super -r}.
     */
    @Test
    void theReleaseTimeSurvivesARestartFlushKeepsItAndRequeueReleasesIt() {
        Instant asked = Instant.now();
        sendHeld("HOLDFOR=" + KEPT_HOLD.toSeconds(), "kept");
        Instant keptRelease = asked.plus(KEPT_HOLD);
        Instant until = Instant.now().plusSeconds(1800).truncatedTo(ChronoUnit.SECONDS);
        String requeued = sendHeld("HOLDUNTIL=" + until, "requeued-1800");

        server.restart();
        assertThat(Instant.now()).as("the restart ended before the release time it is to keep").isBefore(keptRelease);

        List<String> listing = server.runCommand("queue").stdoutLines();
        assertThat(listing).as("postern queue after the restart").anyMatch(line -> line.startsWith(requeued + " "))
            .anyMatch(line -> line.trim().equals("(held for future release until " + until + ")"));
        ExitResult flush = server.runCommand("flush");
        assertThat(flush.exitCode()).as("%s", flush).isZero();
        Await.holdsFor("flush does not release held mail early", Duration.ofSeconds(2), () -> sink.messageCount() == 0);
        assertThat(entry(requeued)).contains("held for future release until " + until);

        ExitResult requeue = server.runCommand("super", "-r", requeued);
        assertThat(requeue.exitCode()).as("%s", requeue).isZero();
        assertThat(requeue.stderr()).contains("Requeued: 1 message");
        SinkMessage early = awaitToken(sink, "requeued-1800", WAIT);
        assertThat(early.receivedAt()).isBefore(until);

        SinkMessage atItsTime = awaitToken(sink, "kept", positive(Duration.between(Instant.now(), keptRelease)).plus(WAIT));
        assertThat(atItsTime.receivedAt()).as("kept its release time across the restart")
            .isAfterOrEqualTo(keptRelease).isBefore(keptRelease.plus(PROMPTLY));
    }

    /**
     * Two waits that end at one time: a deferred message held with {@code postern super -h QID --until TIME},
     * which {@code postern flush} does not move, and a message for a destination whose delivery window
     * (written while the server runs, read again without a reload) opens then.
     */
    @Test
    void holdUntilAndADeliveryWindowThatOpensDuringTheTest() throws IOException, InterruptedException {
        Instant opens = Instant.now().plusSeconds(25).truncatedTo(ChronoUnit.SECONDS);
        Files.writeString(server.confDir().resolve("delivery_windows"),
            "# opens during the test, for ten minutes\n" + batchHop() + "  " + WALL_CLOCK.format(opens) + "-"
                + WALL_CLOCK.format(opens.plus(Duration.ofMinutes(10))) + " UTC\n");
        // The table is looked at for changes at most every 500 ms, when mail is routed: past that, the edit holds.
        Thread.sleep(1100);
        String windowed = LocalDeliveryIT.queueIdOf(LocalDeliveryIT.send(server, SENDER, "dave@windowed.example", "window-1"));
        sink.setRcptReply("450 4.2.0 try again later");
        String held = LocalDeliveryIT.queueIdOf(LocalDeliveryIT.send(server, SENDER, "carol@remote.example", "until-1"));

        server.awaitMaillogLine("the window's deferral", WAIT, line -> line.contains(windowed + ": to=<dave@windowed.example>")
            && line.endsWith("status=deferred (outside delivery window until " + opens + ")"));
        server.awaitMaillogLine("the relay host's deferral", WAIT, line -> line.contains(held + ": to=<carol@remote.example>")
            && line.contains("status=deferred"));
        sink.resetReplies();
        ExitResult hold = server.runCommand("super", "-h", held, "--until", opens.toString());
        assertThat(hold.exitCode()).as("%s", hold).isZero();
        assertThat(hold.stderr()).contains("Placed on hold until " + opens + ": 1 message");
        List<String> listing = server.runCommand("queue").stdoutLines().stream().map(String::trim).toList();
        assertThat(listing).as("postern queue").contains("(outside delivery window until " + opens + ")",
            "(held for future release until " + opens + ")");
        assertThat(server.runCommand("flush").exitCode()).isZero();
        Await.holdsFor("neither goes before its time", positive(Duration.between(Instant.now(), opens).minusMillis(100)),
            () -> sink.messageCount() == 0 && batchSink.messageCount() == 0);

        SinkMessage released = awaitToken(sink, "until-1", WAIT);
        assertThat(released.receivedAt()).isAfterOrEqualTo(opens).isBefore(opens.plus(PROMPTLY));
        SinkMessage windowOpened = awaitToken(batchSink, "window-1", WAIT);
        assertThat(windowOpened.receivedAt()).isAfterOrEqualTo(opens).isBefore(opens.plus(PROMPTLY));
    }

    private static SinkMessage awaitToken(SmtpSink sink, String token, Duration timeout) {
        return Await.value("the message " + token, timeout,
            () -> sink.messages().stream().filter(m -> TestMessages.token(m).orElse("").equals(token)).findFirst()
                .orElse(null), found -> found != null);
    }

    private static Duration positive(Duration duration) {
        return duration.isNegative() ? Duration.ZERO : duration;
    }

    private static String sendHeld(String holdParameter, String token) {
        try (SmtpClient client = server.connect()) {
            client.ehlo("client.example");
            assertThat(client.mailFrom(SENDER, holdParameter).code()).isEqualTo(250);
            assertThat(client.rcptTo("bob@remote.example").code()).isEqualTo(250);
            ClientReply reply = client.data(TestMessages.withToken(SENDER, "bob@remote.example", token, "hello " + token + "\r\n"));
            client.quit();
            assertThat(reply.full()).matches("250 2\\.0\\.0 Ok: queued as [0-9A-F]{12}");
            return LocalDeliveryIT.queueIdOf(reply);
        }
    }

    /** The message's lines in {@code postern queue}, joined; empty when it is not queued. */
    private static String entry(String qid) {
        List<String> lines = server.runCommand("queue").stdoutLines();
        StringBuilder entry = new StringBuilder();
        boolean in = false;
        for (String line : lines) {
            if (line.startsWith(qid)) {
                in = true;
            } else if (line.isEmpty()) {
                in = false;
            }
            if (in) {
                entry.append(line.trim()).append('\n');
            }
        }
        return entry.toString();
    }
}
