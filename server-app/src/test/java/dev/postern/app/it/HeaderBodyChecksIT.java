package dev.postern.app.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.regex.Pattern;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import dev.postern.app.harness.Await;
import dev.postern.app.harness.ExitResult;
import dev.postern.app.harness.PosternExtension;
import dev.postern.app.harness.PosternProcess;
import dev.postern.app.harness.SmtpClient;
import dev.postern.app.harness.ClientReply;
import dev.postern.testing.smtp.SinkMessage;
import dev.postern.testing.smtp.SmtpSink;

/**
 * header_checks and body_checks written in main.cf, end to end: refusals are the reply to DATA
 * (nothing reaches the relay), header edits are visible in the relayed copy, and WARN, HOLD and
 * DISCARD log cleanup's lines and keep, hold or drop the accepted message.
 */
class HeaderBodyChecksIT {
    private static final String H = "mx.checks-it.test";
    private static final String SENDER = "alice@client.example";
    private static final String RECIPIENT = "bob@remote.example";
    private static final Duration DELIVERY = Duration.ofSeconds(30);
    private static final String WHO = " from localhost[127.0.0.1]; from=<" + SENDER + "> to=<" + RECIPIENT
        + "> proto=ESMTP helo=<client.example>";
    private static final String HEADER_CHECKS = String.join("\n",
        "/^Subject: .*forbidden/ REJECT no forbidden subjects",
        "/^Subject: .*later/ REJECT 4.7.1 try again later",
        "/^X-Internal:/ IGNORE",
        "/^Subject: \\[tag\\] (.*)/ REPLACE Subject: [TAGGED] $1",
        "/^X-Mailer: bulk/ PREPEND X-Bulk-Warning: yes",
        "/^Subject: .*watch/ WARN watched subject",
        "/^Subject: .*review/ HOLD needs review",
        "/^Subject: .*drop/ DISCARD dropped by policy",
        "");
    private static final String BODY_CHECKS = "/^evil payload/ REJECT 5.7.0 body says no\n";

    @RegisterExtension
    static final PosternExtension postern = new PosternExtension();
    /**
     * Shared by the refusal and the edit tests: the refusal test's sessions are the only ones whose DATA
     * is refused, and each test tells its relayed messages by their bodies.
     */
    private static SmtpSink sink;
    private static PosternProcess server;

    @BeforeAll
    static void startSharedServer() {
        sink = postern.newSink();
        server = postern.newServer().myhostname(H).relayhost(sink)
            .parameter("header_checks", "regexp:conf/header_checks")
            .parameter("body_checks", "pcre:conf/body_checks");
        server.writeConfFile("header_checks", HEADER_CHECKS);
        server.writeConfFile("body_checks", BODY_CHECKS);
        server.start();
    }

    @Test
    void refusalsAreTheReplyToDataAndNothingIsRelayed() {

        assertThat(send(server, "forbidden fruit", "hello").full()).isEqualTo("550 5.7.1 no forbidden subjects");
        assertThat(send(server, "fine", "first line\r\nevil payload inside\r\n").full()).isEqualTo("550 5.7.0 body says no");
        assertThat(send(server, "see you later", "hello").full()).isEqualTo("451 4.7.1 try again later");

        assertCleanupLine(server, "reject: header Subject: forbidden fruit" + WHO + ": 5.7.1 no forbidden subjects");
        assertCleanupLine(server, "reject: body evil payload inside" + WHO + ": 5.7.0 body says no");
        assertCleanupLine(server, "reject: header Subject: see you later" + WHO + ": 4.7.1 try again later");
        try (SmtpClient client = server.connect()) {
            client.ehlo("client.example");
            assertThat(client.sendMail(SENDER, List.of(RECIPIENT, "carol@remote.example"), content("forbidden twice", null, "hi"))
                .full()).isEqualTo("550 5.7.1 no forbidden subjects");
            client.quit();
        }
        // cleanup names one recipient, the last one of the envelope
        assertCleanupLine(server, "reject: header Subject: forbidden twice" + WHO.replace(RECIPIENT, "carol@remote.example")
            + ": 5.7.1 no forbidden subjects");
        Await.holdsFor("nothing relayed", Duration.ofSeconds(3), () -> sink.messages().stream()
            .noneMatch(m -> m.headerValues("Subject").stream().anyMatch(s -> s.contains("forbidden") || s.contains("later"))
                || m.body().contains("evil payload")));
        // The other test's sessions all end with data=1: these four are the only refused ones.
        assertThat(server.maillogLines()).as("a DATA refused after the dot counts as failed, as in Postfix")
            .filteredOn(line -> line.matches(".* postern/smtpd\\[\\d+\\]: disconnect from localhost\\[127\\.0\\.0\\.1\\]"
                + " ehlo=1 mail=1 rcpt=1 data=0/1 quit=1 commands=4/5"))
            .hasSize(3);
        assertThat(server.maillogLines()).filteredOn(line -> line.endsWith(" ehlo=1 mail=1 rcpt=2 data=0/1 quit=1 commands=5/6"))
            .hasSize(1);
    }

    @Test
    void editsWarnHoldAndDiscardActOnTheAcceptedMessage() {

        assertThat(send(server, "[tag] hello", "X-Internal: secret\r\nX-Mailer: bulk 1.0", "edited body\r\n").full())
            .startsWith("250 2.0.0 Ok: queued as ");
        String warned = queueId(send(server, "please watch this", "watched body\r\n"));
        String held = queueId(send(server, "for review", "held body\r\n"));
        String dropped = queueId(send(server, "please drop", "dropped body\r\n"));

        List<SinkMessage> relayed = Await.value("the edited and the watched message at the sink", DELIVERY, sink::messages,
            list -> list.stream().anyMatch(m -> m.body().contains("edited body"))
                && list.stream().anyMatch(m -> m.body().contains("watched body")));
        SinkMessage edited = relayed.stream().filter(m -> m.body().contains("edited body")).findFirst().orElseThrow();
        assertThat(edited.headerValues("Subject")).containsExactly("[TAGGED] hello");
        assertThat(edited.header("X-Internal")).as("IGNORE deletes the header").isEmpty();
        List<String> headers = edited.headers();
        assertThat(headers).containsSubsequence("X-Bulk-Warning: yes", "X-Mailer: bulk 1.0");
        assertThat(headers.indexOf("X-Mailer: bulk 1.0") - headers.indexOf("X-Bulk-Warning: yes"))
            .as("PREPEND puts its header right before the one that matched").isEqualTo(1);
        assertThat(relayed).anyMatch(m -> m.body().contains("watched body"));

        assertCleanupLine(server, warned + ": warning: header Subject: please watch this" + WHO + ": watched subject");
        assertCleanupLine(server, held + ": hold: header Subject: for review" + WHO + ": needs review");
        assertCleanupLine(server, dropped + ": discard: header Subject: please drop" + WHO + ": dropped by policy");
        assertThat(server.maillogLines()).anyMatch(line -> line.contains(": replace: header Subject: [tag] hello" + WHO
            + ": Subject: [TAGGED] hello"));

        String hold = "/mailRepositories/" + URLEncoder.encode("var/spool/hold", StandardCharsets.UTF_8) + "/mails";
        Await.until("the held message in the hold repository", DELIVERY,
            () -> server.webAdmin().get(hold).body().contains(held));
        server.awaitMaillogLine("the discarded message leaves the queue", DELIVERY,
            line -> line.endsWith(dropped + ": removed"));
        Await.holdsFor("only the edited and the warned message relayed, once each", Duration.ofSeconds(3),
            () -> sink.messages().stream().filter(m -> m.body().contains("edited body")).count() == 1
                && sink.messages().stream().filter(m -> m.body().contains("watched body")).count() == 1
                && sink.messages().stream().noneMatch(m -> m.body().contains("held body") || m.body().contains("dropped body")));
    }

    @Test
    void aTableThatCannotBeReadStopsTheStartNamingTheParameter() {
        PosternProcess server = postern.newServer().myhostname(H).parameter("body_checks", "regexp:conf/no_such_table");

        ExitResult result = server.runUntilExit(Duration.ofSeconds(60));

        assertThat(result.exitCode()).as("%s", result).isNotZero();
        assertThat(result.stderrLines()).as("stderr of %s", result)
            .anyMatch(line -> line.contains("body_checks: cannot open regexp:conf/no_such_table"));
    }

    private static ClientReply send(PosternProcess server, String subject, String body) {
        return send(server, subject, null, body);
    }

    private static ClientReply send(PosternProcess server, String subject, String extraHeaders, String body) {
        try (SmtpClient client = server.connect()) {
            client.ehlo("client.example");
            ClientReply reply = client.sendMail(SENDER, RECIPIENT, content(subject, extraHeaders, body));
            client.quit();
            return reply;
        }
    }

    private static String content(String subject, String extraHeaders, String body) {
        return "From: " + SENDER + "\r\nTo: " + RECIPIENT + "\r\nSubject: " + subject + "\r\n"
            + (extraHeaders == null ? "" : extraHeaders + "\r\n") + "\r\n" + body;
    }

    private static String queueId(ClientReply reply) {
        assertThat(reply.full()).matches("250 2\\.0\\.0 Ok: queued as [0-9A-F]{10,12}");
        return reply.full().substring(reply.full().lastIndexOf(' ') + 1);
    }

    /** A cleanup line ending with {@code text}, under a queue ID when the text does not start with one. */
    private static void assertCleanupLine(PosternProcess server, String text) {
        Pattern line = Pattern.compile(".* postern/cleanup\\[\\d+\\]: (?:[0-9A-F]{10,12}: )?" + Pattern.quote(text));
        server.awaitMaillogLine(text, Duration.ofSeconds(10), l -> line.matcher(l).matches());
    }
}
