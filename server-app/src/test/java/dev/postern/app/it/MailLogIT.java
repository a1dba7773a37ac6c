package dev.postern.app.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import dev.postern.app.harness.PosternExtension;
import dev.postern.app.harness.PosternProcess;
import dev.postern.app.harness.SmtpClient;
import dev.postern.testing.smtp.SinkMessage;
import dev.postern.testing.smtp.SmtpSink;

/**
 * The mail log of a run holds Postfix's lines for every message under one queue ID, the
 * ID of the 250 reply and the Received: header, and Debian's pflogsumm reads it: its
 * received, delivered and rejected counts are what the test did.
 */
class MailLogIT {
    private static final String HOST = "mx.maillog-it.test";
    private static final Duration DELIVERY = Duration.ofSeconds(30);
    private static final Pattern SUMMARY = Pattern.compile(
        "^\\s*(\\d+)\\s+(received|delivered|forwarded|deferred|bounced|rejected)\\b");

    @RegisterExtension
    final PosternExtension postern = new PosternExtension();

    @Test
    void everyStageLogsUnderOneQueueIdAndPflogsummCountsIt() throws Exception {
        SmtpSink sink = postern.newSink();
        PosternProcess server = postern.newServer().myhostname(HOST).relayhost(sink).start();
        server.webAdmin().putUser("bob@" + HOST, "secret");

        List<String> local = List.of(
            LocalDeliveryIT.queueIdOf(LocalDeliveryIT.send(server, "alice@sender.example", "bob@" + HOST, "l1")),
            LocalDeliveryIT.queueIdOf(LocalDeliveryIT.send(server, "alice@sender.example", "bob@localhost", "l2")),
            LocalDeliveryIT.queueIdOf(LocalDeliveryIT.send(server, "carol@sender.example", "bob@" + HOST, "l3")));
        List<String> relayed = List.of(
            LocalDeliveryIT.queueIdOf(LocalDeliveryIT.send(server, "alice@sender.example", "dave@remote.example", "r1")),
            LocalDeliveryIT.queueIdOf(LocalDeliveryIT.send(server, "alice@sender.example", "erin@remote.example", "r2")));
        refuse(server, "127.0.0.2", "victim@remote.example", 454);
        refuse(server, "127.0.0.1", "nobody@" + HOST, 550);

        List<SinkMessage> atSink = sink.awaitMessages(2, DELIVERY);
        for (SinkMessage message : atSink) {
            String received = message.headerValues("Received").get(0);
            assertThat(relayed).anyMatch(id -> received.contains("id " + id));
        }
        for (String queueId : concat(local, relayed)) {
            server.awaitMaillogLine(queueId + " removed", DELIVERY, line -> line.endsWith(queueId + ": removed"));
            assertThat(server.maillogLines()).as("lines of %s", queueId)
                .anyMatch(line -> line.contains("postern/smtpd[") && line.contains(queueId + ": client=localhost[127.0.0.1]"))
                .anyMatch(line -> line.contains("postern/cleanup[") && line.contains(queueId + ": message-id=<"))
                .anyMatch(line -> line.contains("postern/qmgr[") && line.matches(".*" + queueId + ": from=<[^>]*>, size=\\d+, nrcpt=1 \\(queue active\\)"))
                .anyMatch(line -> line.contains(queueId + ": to=<") && line.contains(", dsn=2.0.0, status=sent ("));
        }
        assertThat(server.maillogLines())
            .anyMatch(line -> line.matches(".* postern/smtpd\\[\\d+\\]: disconnect from localhost\\[127\\.0\\.0\\.1\\] ehlo=1 mail=1 rcpt=1 data=1 quit=1 commands=5"));

        Map<String, Integer> summary = pflogsumm(server);
        assertThat(summary).containsEntry("received", 5).containsEntry("delivered", 5)
            .containsEntry("deferred", 0).containsEntry("bounced", 0).containsEntry("rejected", 2);
    }

    private static void refuse(PosternProcess server, String from, String recipient, int code) {
        try (SmtpClient client = server.connectFrom(from)) {
            client.ehlo("client.example");
            client.mailFrom("mallory@sender.example");
            assertThat(client.rcptTo(recipient).code()).isEqualTo(code);
            client.quit();
        }
    }

    private static Map<String, Integer> pflogsumm(PosternProcess server) throws IOException, InterruptedException {
        Process process = new ProcessBuilder("pflogsumm", "--syslog-name=postern", server.maillogPath().toString())
            .redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(process.exitValue()).as("pflogsumm output:%n%s", output).isZero();
        Map<String, Integer> counts = new HashMap<>();
        for (String line : output.split("\n")) {
            Matcher matcher = SUMMARY.matcher(line);
            if (matcher.find()) {
                counts.putIfAbsent(matcher.group(2), Integer.parseInt(matcher.group(1)));
            }
        }
        System.out.println("pflogsumm --syslog-name=postern:\n" + output);
        return counts;
    }

    private static List<String> concat(List<String> a, List<String> b) {
        return java.util.stream.Stream.concat(a.stream(), b.stream()).toList();
    }
}
