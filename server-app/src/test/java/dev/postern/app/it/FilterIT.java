package dev.postern.app.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.regex.Pattern;

import org.junit.jupiter.api.BeforeAll;
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
 * FILTER, end to end: an access(5) result in smtpd_recipient_restrictions and a header_checks
 * result send the whole message (every recipient, in one delivery) to the content filter named
 * by {@code transport:destination}, here a second SMTP sink; other mail still goes to the
 * relayhost. smtpd's and cleanup's {@code filter:} lines appear in the mail log.
 */
class FilterIT {
    private static final String H = "mx.filter-it.test";
    private static final String SENDER = "alice@client.example";
    private static final Duration DELIVERY = Duration.ofSeconds(60);

    @RegisterExtension
    static final PosternExtension postern = new PosternExtension();
    /**
     * Shared by both tests: the access table names only filtered@, the header check only "Subject: filter
     * me", so each test's messages meet only its own FILTER; each looks for its own tokens at the sinks.
     */
    private static SmtpSink relay;
    private static SmtpSink filter;
    private static String route;
    private static PosternProcess server;

    @BeforeAll
    static void startSharedServer() {
        relay = postern.newSink();
        filter = postern.newSink();
        route = "smtp:" + filter.relayhost();
        server = postern.newServer().myhostname(H).relayhost(relay)
            .parameter("smtpd_recipient_restrictions", "check_recipient_access texthash:conf/filter_access")
            .writeConfFile("filter_access", "filtered@remote.example  FILTER " + route + "\n")
            .parameter("header_checks", "regexp:conf/header_checks")
            .writeConfFile("header_checks", "/^Subject: filter me/ FILTER " + route + "\n")
            .start();
    }

    @Test
    void anAccessTableFilterRoutesEveryRecipientOfTheMessageToTheContentFilter() {

        String filtered = queueId(send(server, List.of("plain@remote.example", "filtered@remote.example"), "filtered-1",
            "Subject: to be filtered"));
        String plain = queueId(send(server, List.of("plain@remote.example", "other@remote.example"), "plain-1",
            "Subject: ordinary"));

        SinkMessage atFilter = TestMessages.awaitToken(filter, "filtered-1", DELIVERY).get(0);
        assertThat(atFilter.recipients()).as("all recipients of the message, in one delivery")
            .containsExactlyInAnyOrder("plain@remote.example", "filtered@remote.example");
        SinkMessage atRelay = TestMessages.awaitToken(relay, "plain-1", DELIVERY).get(0);
        assertThat(atRelay.recipients()).containsExactlyInAnyOrder("plain@remote.example", "other@remote.example");
        assertEachAtItsSinkOnce("filtered-1", "plain-1");

        // the queue ID exists from the first accepted recipient on, so the second RCPT's line carries it
        assertMaillogLine(server, "smtpd", filtered + ": filter: RCPT from localhost[127.0.0.1]: <filtered@remote.example>:"
            + " Recipient address triggers FILTER " + route + "; from=<" + SENDER + "> to=<filtered@remote.example>"
            + " proto=ESMTP helo=<client.example>");
        assertMaillogLine(server, "smtp", filtered + ": to=<filtered@remote.example>, relay=");
        assertThat(server.maillogLines()).noneMatch(line -> line.contains(plain + ": filter:"));
    }

    @Test
    void aHeaderChecksFilterRoutesTheMessageToTheContentFilter() {

        String filtered = queueId(send(server, List.of("bob@remote.example", "carol@remote.example"), "filtered-2",
            "Subject: filter me please"));
        queueId(send(server, List.of("bob@remote.example"), "plain-2", "Subject: leave me alone"));

        SinkMessage atFilter = TestMessages.awaitToken(filter, "filtered-2", DELIVERY).get(0);
        assertThat(atFilter.recipients()).containsExactlyInAnyOrder("bob@remote.example", "carol@remote.example");
        TestMessages.awaitToken(relay, "plain-2", DELIVERY);
        assertEachAtItsSinkOnce("filtered-2", "plain-2");

        // cleanup names one recipient, the last one of the envelope
        assertMaillogLine(server, "cleanup", filtered + ": filter: header Subject: filter me please from localhost[127.0.0.1];"
            + " from=<" + SENDER + "> to=<carol@remote.example> proto=ESMTP helo=<client.example>: " + route);
    }

    /** The filtered message reached only the filter, the plain one only the relay host, once each. */
    private static void assertEachAtItsSinkOnce(String filteredToken, String plainToken) {
        Await.holdsFor("one message at each sink", Duration.ofSeconds(3),
            () -> TestMessages.withToken(filter, filteredToken).size() == 1 && TestMessages.withToken(relay, filteredToken).isEmpty()
                && TestMessages.withToken(relay, plainToken).size() == 1 && TestMessages.withToken(filter, plainToken).isEmpty());
    }

    private static ClientReply send(PosternProcess server, List<String> recipients, String token, String header) {
        String content = header + "\r\n" + TestMessages.withToken(SENDER, recipients.get(0), token, "hello\r\n");
        try (SmtpClient client = server.connect()) {
            client.ehlo("client.example");
            ClientReply reply = client.sendMail(SENDER, recipients, content);
            client.quit();
            return reply;
        }
    }

    private static String queueId(ClientReply reply) {
        assertThat(reply.full()).matches("250 2\\.0\\.0 Ok: queued as [0-9A-F]{10,12}");
        return reply.full().substring(reply.full().lastIndexOf(' ') + 1);
    }

    /** A line of {@code postern/DAEMON} that starts with {@code text} after the syslog prefix. */
    private static void assertMaillogLine(PosternProcess server, String daemon, String text) {
        Pattern line = Pattern.compile(".* postern/" + daemon + "\\[\\d+\\]: " + Pattern.quote(text) + ".*");
        server.awaitMaillogLine(text, Duration.ofSeconds(30), l -> line.matcher(l).matches());
    }
}
