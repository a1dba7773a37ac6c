package dev.postern.app.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import dev.postern.app.harness.PosternExtension;
import dev.postern.app.harness.PosternProcess;
import dev.postern.app.harness.SmtpClient;
import dev.postern.testing.smtp.SmtpSink;

/**
 * Issue 14 item 2: a client, a message header or a remote server must not be able to write a line of
 * its own into the mail log. Hostile sessions from 127.0.0.2 put Postfix-looking lines about
 * 10.9.9.9 (an address no session uses) into a folded Message-ID, and CR, ESC, NUL, backspace and DEL
 * into HELO, MAIL, RCPT, AUTH user names and a next hop's reply. Afterwards every physical line of
 * {@code var/log/maillog} is one of Postern's own (syslog timestamp first, no control characters), and
 * Debian's fail2ban, reading the log with its {@code postfix[mode=auth]} filter, finds the client that
 * really failed to authenticate (127.0.0.2) and nobody else; the same over the server's standard output.
 * The server logs as {@code postfix}, as a site whose fail2ban filter expects that name would run it.
 */
class LogForgeryIT {
    private static final String HOST = "mx.logforgery-it.test";
    private static final String CLIENT = "127.0.0.2";
    private static final String FORGED_IP = "10.9.9.9";
    private static final Duration WAIT = Duration.ofSeconds(30);
    private static final DateTimeFormatter SYSLOG_TIME = DateTimeFormatter.ofPattern("MMM ppd HH:mm:ss", Locale.US);
    /** The start of every line Postern writes: syslog's timestamp, the host, {@code postfix/DAEMON[PID]: }. */
    private static final Pattern OWN_LINE = Pattern.compile("^[A-Z][a-z]{2} [ 1-3]\\d \\d{2}:\\d{2}:\\d{2} \\S+ postfix/[\\w/]+\\[\\d+\\]: \\S.*");

    @RegisterExtension
    final PosternExtension postern = new PosternExtension();

    @Test
    void hostileValuesNeverBecomeLinesOfTheirOwn() throws Exception {
        String forged = SYSLOG_TIME.format(ZonedDateTime.now()) + " mx postfix/smtpd[1]: warning: unknown[" + FORGED_IP
            + "]: SASL LOGIN authentication failed: authentication failure";
        SmtpSink sink = postern.newSink().setRcptReply(recipient -> recipient.startsWith("busy@")
            ? "450 4.2.0 <" + recipient + ">: busy\r" + forged + "\u001b[2K\u0000\b\u007f"
            : "250 2.1.5 Ok");
        PosternProcess server = postern.newServer().myhostname(HOST).relayhost(sink);
        String listeners = Files.readString(server.confDir().resolve("smtpserver.xml"), StandardCharsets.UTF_8);
        String asPostfix = listeners.replace("syslog_name = postern/", "syslog_name = postfix/");
        assertThat(asPostfix).as("the shipped listeners' syslog_name overrides to change").isNotEqualTo(listeners);
        server.writeConfFile("smtpserver.xml", asPostfix)
            .parameter("syslog_name", "postfix")
            .parameter("relay_domains", "remote.example")
            .parameter("minimal_backoff_time", "300s")
            .parameter("header_checks", "regexp:conf/header_checks")
            .writeConfFile("header_checks", "/^Message-ID:/ WARN message id seen\n")
            .start();

        String headerForgery = sendWithFoldedMessageId(server, forged);
        hostileEnvelopes(server, forged);
        hostileAuthNames(server, forged);
        String replyForgery = send(server, "busy@remote.example", "<busy.1@client.example>");

        server.awaitMaillogLine(headerForgery + " removed", WAIT, line -> line.endsWith(": " + headerForgery + ": removed"));
        server.awaitMaillogLine("the deferral of " + replyForgery, WAIT,
            line -> line.contains(": " + replyForgery + ": to=<busy@remote.example>") && line.contains("status=deferred"));
        server.awaitMaillogLine("the header_checks WARN", WAIT, line -> line.contains("warning: header Message-ID: "));

        List<String> maillog = physicalLines(server.maillogPath());
        String context = "--- var/log/maillog ---\n" + String.join("\n", maillog);
        assertThat(maillog).as("every line of the mail log is one of Postern's own\n%s", context)
            .allMatch(line -> OWN_LINE.matcher(line).matches());
        assertThat(maillog).as("no control characters in the mail log\n%s", context)
            .noneMatch(LogForgeryIT::hasControl);
        assertThat(maillog).as("the folded Message-ID is logged, on the cleanup line\n%s", context)
            .anyMatch(line -> line.contains(": " + headerForgery + ": message-id=<forge.1@client.example>")
                && line.contains("unknown[" + FORGED_IP + "]"));
        assertThat(maillog).as("the next hop's reply is logged, on the delivery line\n%s", context)
            .anyMatch(line -> line.contains(": " + replyForgery + ": to=<busy@remote.example>")
                && line.contains("unknown[" + FORGED_IP + "]"));

        assertThat(fail2banAuthFailures(server.maillogPath())).as("fail2ban over the mail log\n%s", context)
            .containsExactly(CLIENT);
        assertThat(physicalLines(server.consoleLog())).as("control characters on standard output\n%s", server.console())
            .noneMatch(line -> hasControl(line.replace("\t", "")));
        assertThat(fail2banAuthFailures(server.consoleLog())).as("fail2ban over standard output\n%s",
            server.console()).containsExactly(CLIENT);

        // The diagnostic log quotes James's messages, which carry client addresses and AUTH user names.
        Path diagnostic = server.varDir().resolve("log").resolve("postern.log");
        List<String> diagnosticLines = physicalLines(diagnostic);
        assertThat(diagnosticLines).as("control characters in %s other than a stack trace's tabs", diagnostic)
            .noneMatch(line -> hasControl(line.replace("\t", "")));
        assertThat(fail2banAuthFailures(diagnostic)).as("fail2ban over %s", diagnostic).doesNotContain(FORGED_IP);
    }

    /** A message whose Message-ID is folded onto six continuation lines, each a forged log line. */
    private static String sendWithFoldedMessageId(PosternProcess server, String forged) {
        StringBuilder messageId = new StringBuilder("<forge.1@client.example>");
        for (int i = 0; i < 6; i++) {
            messageId.append("\r\n\t").append(forged);
        }
        return send(server, "dave@remote.example", messageId.toString());
    }

    private static String send(PosternProcess server, String recipient, String messageId) {
        try (SmtpClient client = server.connectFrom(CLIENT)) {
            client.ehlo("client.example");
            String content = "From: <alice@client.example>\r\nTo: <" + recipient + ">\r\nSubject: log forgery\r\n"
                + "Message-ID: " + messageId + "\r\n\r\nhello\r\n";
            var reply = client.sendMail("alice@client.example", recipient, content);
            assertThat(reply.code()).as("message to %s: %s", recipient, reply.full()).isEqualTo(250);
            client.quit();
            return LocalDeliveryIT.queueIdOf(reply);
        }
    }

    /**
     * HELO, MAIL and RCPT carrying control characters and a forged line. Whether each is refused (501)
     * or accepted is another test's business; what is logged about them is this one's.
     */
    private static void hostileEnvelopes(PosternProcess server, String forged) {
        for (String hostile : hostileTexts(forged)) {
            try (SmtpClient client = server.connectFrom(CLIENT)) {
                client.ehlo("x" + hostile + ".example");
                client.command("MAIL FROM:<a" + hostile + "@client.example>");
                client.rset();
                client.mailFrom("alice@client.example");
                client.command("RCPT TO:<victim" + hostile + "@evil.example>");
                client.command("RCPT TO:<dave" + hostile + "@remote.example>");
                client.quit();
            }
        }
    }

    /** AUTH PLAIN and AUTH LOGIN user names with control characters, on the submissions listener. */
    private static void hostileAuthNames(PosternProcess server, String forged) {
        for (String hostile : hostileTexts(forged)) {
            try (SmtpClient client = SmtpClient.connectTls(server.submissionsPort(), CLIENT)) {
                client.ehlo("client.example");
                assertThat(client.authPlain("bob" + hostile + "@" + HOST, "secret").code()).isIn(501, 535);
                assertThat(client.authLogin("bob" + hostile + "@" + HOST, "secret").code()).isIn(501, 535);
                client.quit();
            }
        }
    }

    /** What an attacker puts into a value: a line break of each kind a viewer may honour, and terminal controls. */
    private static List<String> hostileTexts(String forged) {
        return List.of(
            "\r" + forged,
            "\u001b[1A\u001b[2K" + forged,
            "\u0000" + forged,
            "\b\b\b\b" + forged + "\u007f",
            "\u0085\u2028" + forged);
    }

    /** The lines of a file as a log reader sees them: split at LF only, so a bare CR stays inside its line. */
    private static List<String> physicalLines(Path file) throws IOException {
        String text = Files.readString(file, StandardCharsets.UTF_8);
        List<String> lines = new ArrayList<>(List.of(text.split("\n", -1)));
        if (!lines.isEmpty() && lines.get(lines.size() - 1).isEmpty()) {
            lines.remove(lines.size() - 1);
        }
        return lines;
    }

    private static boolean hasControl(String line) {
        return line.codePoints().anyMatch(c -> switch (Character.getType(c)) {
            case Character.CONTROL, Character.FORMAT, Character.LINE_SEPARATOR, Character.PARAGRAPH_SEPARATOR -> true;
            default -> false;
        });
    }

    /** The addresses fail2ban's Debian filter {@code postfix[mode=auth]} finds failed logins for in {@code log}. */
    private static Set<String> fail2banAuthFailures(Path log) throws IOException, InterruptedException {
        Process process;
        try {
            process = new ProcessBuilder("fail2ban-regex", "--out", "ip", log.toString(), "postfix[mode=auth]")
                .redirectErrorStream(true).start();
        } catch (IOException e) {
            throw new AssertionError("fail2ban-regex (Debian package fail2ban, which test.sh installs) cannot be run: "
                + e.getMessage(), e);
        }
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.waitFor(60, TimeUnit.SECONDS)).as("fail2ban-regex finished").isTrue();
        assertThat(process.exitValue()).as("fail2ban-regex over %s:%n%s", log, output).isZero();
        return output.lines().map(String::strip).filter(line -> !line.isEmpty())
            .collect(Collectors.toCollection(TreeSet::new));
    }
}
