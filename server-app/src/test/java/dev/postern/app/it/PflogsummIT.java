package dev.postern.app.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import dev.postern.app.harness.PosternExtension;
import dev.postern.app.harness.PosternProcess;
import dev.postern.app.harness.SmtpClient;
import dev.postern.app.it.PflogsummReport.Delivered;
import dev.postern.app.it.PflogsummReport.Received;
import dev.postern.testing.smtp.SmtpSink;

/**
 * One run with every kind of mail a Postfix log summary counts, then Debian's pflogsumm over Postern's
 * var/log/maillog: local mail, relayed mail (one message, two recipients), mail a next hop defers with
 * 450, mail a next hop refuses with 550 (whose bounce goes back to a local sender), mail an access table
 * puts on HOLD, and two refused recipients (relay denied to 127.0.0.2, an unknown local user). pflogsumm's
 * Grand Totals and its per-domain tables must count exactly that; and once more after the held message is
 * released and delivered.
 */
class PflogsummIT {
    private static final String HOST = "mx.pflogsumm-it.test";
    private static final Duration WAIT = Duration.ofSeconds(30);
    private static final Pattern QMGR_SIZE = Pattern.compile(" postern/qmgr\\[\\d+\\]: ([0-9A-F]{10,12}): from=<[^>]*>, size=(\\d+),");
    private static final Pattern NOTICE = Pattern.compile(": ([0-9A-F]{10,12}): sender non-delivery notification: ([0-9A-F]{10,12})$");

    @RegisterExtension
    final PosternExtension postern = new PosternExtension();

    @Test
    void pflogsummCountsEveryKindOfMailOfARun() throws Exception {
        SmtpSink relayhost = postern.newSink();
        SmtpSink deferring = postern.newSink().setRcptReply(recipient -> "450 4.2.0 <" + recipient + ">: try again later");
        SmtpSink refusing = postern.newSink().setRcptReply(recipient -> "550 5.1.1 <" + recipient + ">: no such user");
        PosternProcess server = postern.newServer().myhostname(HOST).relayhost(relayhost)
            .parameter("transport_maps", "texthash:conf/transport")
            .parameter("smtpd_recipient_restrictions", "check_recipient_access texthash:conf/recipient_access")
            .writeConfFile("transport", String.join("\n",
                "slow.test    smtp:" + deferring.relayhost(),
                "fail.test    smtp:" + refusing.relayhost(),
                ""))
            // The deferred message is tried exactly once during the test, so pflogsumm sees one deferral.
            .parameter("minimal_backoff_time", "300s")
            .writeConfFile("recipient_access", "held@remote.example  HOLD waiting for review\n");
        server.start();
        server.webAdmin().putUser("bob@" + HOST, "secret");

        String local1 = TransportMapsIT.send(server, "alice@sender.example", List.of("bob@" + HOST), "local-1");
        String local2 = TransportMapsIT.send(server, "carol@other.example", List.of("bob@localhost"), "local-2");
        String relayed = TransportMapsIT.send(server, "alice@sender.example",
            List.of("dave@remote.example", "erin@remote.example"), "relayed-1");
        String deferred = TransportMapsIT.send(server, "alice@sender.example", List.of("x@slow.test"), "deferred-1");
        String bounced = TransportMapsIT.send(server, "bob@" + HOST, List.of("y@fail.test"), "bounced-1");
        String held = TransportMapsIT.send(server, "alice@sender.example", List.of("held@remote.example"), "held-1");
        assertThat(rcpt(server, "127.0.0.2", "victim@remote.example")).startsWith("454 4.7.1 ");
        assertThat(rcpt(server, "127.0.0.1", "nobody@" + HOST)).startsWith("550 5.1.1 ");

        // Everything the run does is in the log before pflogsumm reads it.
        String notice = noticeOf(server, bounced);
        for (String queueId : List.of(local1, local2, relayed, bounced, notice)) {
            server.awaitMaillogLine(queueId + " removed", WAIT, line -> line.endsWith(": " + queueId + ": removed"));
        }
        server.awaitMaillogLine("the deferral of " + deferred, WAIT,
            line -> line.contains(": " + deferred + ": to=<x@slow.test>") && line.contains(", status=deferred ("));
        server.awaitMaillogLine("the hold of " + held, WAIT, line -> line.contains(": hold: RCPT from ")
            && line.contains("<held@remote.example>"));
        server.awaitMaillogLine("the two rejects", WAIT,
            line -> line.contains("NOQUEUE: reject: RCPT from ") && line.contains("<nobody@" + HOST + ">"));
        assertThat(relayhost.awaitMessages(1, WAIT).get(0).recipients())
            .containsExactlyInAnyOrder("dave@remote.example", "erin@remote.example");
        assertThat(deferring.messageCount()).isZero();
        assertThat(refusing.messageCount()).isZero();

        PflogsummReport report = PflogsummReport.of(server.maillogPath());
        System.out.println("pflogsumm --syslog-name=postern -e:\n" + report.output());
        String context = report.output() + "\n--- maillog ---\n" + server.maillog();

        // received: six messages came in over SMTP (the bounce notice is made inside, as Postfix's is).
        // delivered: bob twice locally, dave and erin at the relay host, and the notice to bob.
        assertThat(report.totals()).as(context)
            .containsEntry("received", 6)
            .containsEntry("delivered", 5)
            .containsEntry("forwarded", 0)
            .containsEntry("deferred", 1)
            .containsEntry("bounced", 1)
            .containsEntry("rejected", 2)
            .containsEntry("held", 1);
        assertThat(report.deferrals()).as("one delivery attempt of the deferred message\n%s", context).isEqualTo(1);

        Map<String, Long> sizes = sizes(server.maillogLines());
        assertThat(sizes).as("held mail stays out of the active queue: no qmgr line\n%s", context).doesNotContainKey(held);
        assertThat(report.delivery()).as("Host/Domain Summary: Message Delivery\n%s", context).isEqualTo(Map.of(
            HOST, new Delivered(2, sizes.get(local1) + sizes.get(notice), 0),
            "localhost", new Delivered(1, sizes.get(local2), 0),
            "remote.example", new Delivered(2, 2 * sizes.get(relayed), 0),
            "slow.test", new Delivered(0, 0, 1)));
        // Messages Received counts by sender domain the messages the queue manager took in: as with Postfix,
        // the held message never reaches it, and the bounce notice did not come in from outside.
        assertThat(report.received()).as("Host/Domain Summary: Messages Received\n%s", context).isEqualTo(Map.of(
            "sender.example", new Received(3, sizes.get(local1) + sizes.get(relayed) + sizes.get(deferred)),
            "other.example", new Received(1, sizes.get(local2)),
            HOST, new Received(1, sizes.get(bounced))));
        assertThat(report.sections()).as(context)
            .contains("message deferral detail", "message bounce detail (by relay)", "message reject detail",
                "message hold detail")
            .doesNotContain("Messages with no size data", "Warnings", "Fatal Errors", "Panics");
        assertThat(report.output()).as("the reasons pflogsumm takes from the lines")
            .contains("Relay access denied", "User unknown in local recipient table", "waiting for review",
                "try again later", "no such user");

        // Released, the held message goes through the queue manager to the relay host: now it is counted
        // with its sender and size like any other, and still once as held.
        assertThat(server.runCommand("super", "-H", held).exitCode()).isZero();
        server.awaitMaillogLine("the delivery of the released " + held, WAIT,
            line -> line.contains(": " + held + ": to=<held@remote.example>") && line.contains(", status=sent ("));
        PflogsummReport after = PflogsummReport.of(server.maillogPath());
        String afterContext = after.output() + "\n--- maillog ---\n" + server.maillog();
        Map<String, Long> sizesAfter = sizes(server.maillogLines());
        assertThat(sizesAfter).as("the released message's qmgr line%n%s", afterContext).containsKey(held);
        assertThat(after.totals()).as(afterContext)
            .containsEntry("received", 6)
            .containsEntry("delivered", 6)
            .containsEntry("deferred", 1)
            .containsEntry("bounced", 1)
            .containsEntry("rejected", 2)
            .containsEntry("held", 1);
        assertThat(after.delivery().get("remote.example")).as(afterContext)
            .isEqualTo(new Delivered(3, 2 * sizesAfter.get(relayed) + sizesAfter.get(held), 0));
        assertThat(after.received().get("sender.example")).as(afterContext).isEqualTo(new Received(4,
            sizesAfter.get(local1) + sizesAfter.get(relayed) + sizesAfter.get(deferred) + sizesAfter.get(held)));
        assertThat(after.sections()).as(afterContext).doesNotContain("Messages with no size data");
    }

    private static String rcpt(PosternProcess server, String from, String recipient) {
        try (SmtpClient client = server.connectFrom(from)) {
            client.ehlo("client.example");
            client.mailFrom("mallory@sender.example");
            String reply = client.rcptTo(recipient).full();
            client.quit();
            return reply;
        }
    }

    private static String noticeOf(PosternProcess server, String queueId) {
        String line = server.awaitMaillogLine("the non-delivery notification of " + queueId, WAIT,
            candidate -> candidate.contains(": " + queueId + ": sender non-delivery notification: "));
        Matcher m = NOTICE.matcher(line);
        assertThat(m.find()).as(line).isTrue();
        return m.group(2);
    }

    /** The size each message has in its qmgr line, by queue ID: what pflogsumm adds up per domain. */
    private static Map<String, Long> sizes(List<String> maillog) {
        Map<String, Long> sizes = new HashMap<>();
        for (String line : maillog) {
            Matcher m = QMGR_SIZE.matcher(line);
            if (m.find()) {
                sizes.putIfAbsent(m.group(1), Long.parseLong(m.group(2)));
            }
        }
        return sizes;
    }
}
