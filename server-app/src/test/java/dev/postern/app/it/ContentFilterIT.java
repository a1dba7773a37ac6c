package dev.postern.app.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.time.Duration;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import dev.postern.app.harness.FreePorts;
import dev.postern.app.harness.PosternExtension;
import dev.postern.app.harness.PosternProcess;
import dev.postern.app.harness.SmtpClient;
import dev.postern.app.harness.TestMessages;
import dev.postern.testing.smtp.SinkMessage;
import dev.postern.testing.smtp.SmtpSink;

/**
 * An after-queue content filter as amavis is set up with Postfix: {@code content_filter =
 * smtp:[127.0.0.1]:PORT} sends every message received over SMTP to the filter (here an SMTP sink that
 * stands for amavis), which sends it back, marked, to a re-injection listener of master.cf with {@code -o
 * content_filter=}; from there it takes its normal route (the relayhost, a second sink). A FILTER action
 * of an access table replaces content_filter, as in Postfix. One server for the class.
 */
class ContentFilterIT {
    private static final String SENDER = "alice@client.example";
    private static final Duration DELIVERY = Duration.ofSeconds(60);

    @RegisterExtension
    static final PosternExtension postern = new PosternExtension();

    static SmtpSink filter;
    static SmtpSink otherFilter;
    static SmtpSink nextHop;
    static PosternProcess server;
    static int reinjection;

    @BeforeAll
    static void startServer() throws IOException {
        filter = postern.newSink();
        otherFilter = postern.newSink();
        nextHop = postern.newSink();
        reinjection = FreePorts.allocate();
        server = postern.newServer().myhostname("mx.filter-it.test").relayhost(nextHop)
            .parameter("content_filter", "smtp:" + filter.relayhost())
            .parameter("smtpd_sender_restrictions", "check_sender_access inline:{ { special@client.example ="
                + " FILTER smtp:" + otherFilter.relayhost() + " } }")
            .writeConfFile("master.cf", String.join("\n",
                "smtp      inet  n       -       y       -       -       smtpd",
                "127.0.0.1:" + reinjection + " inet n - n - - smtpd",
                "  -o content_filter=",
                "  -o smtpd_client_restrictions=permit_mynetworks,reject",
                ""))
            .start();
    }

    @Test
    void mailGoesThroughTheFilterAndComesBackThroughTheReinjectionListener() throws IOException {
        send(server.smtpPort(), "bob@remote.example",
            TestMessages.withToken(SENDER, "bob@remote.example", "filtered-1", "hello\r\n"));

        SinkMessage atFilter = TestMessages.awaitToken(filter, "filtered-1", DELIVERY).get(0);
        assertThat(atFilter.recipients()).containsExactly("bob@remote.example");
        assertThat(atFilter.sender()).isEqualTo(SENDER);
        assertThat(nextHop.messageCount()).as("nothing passes the filter by").isZero();

        // the filter's verdict: it sends the message back, marked, as amavis does
        send(reinjection, "bob@remote.example", "X-Virus-Scanned: test filter\r\n" + atFilter.contentAsString());

        SinkMessage delivered = TestMessages.awaitToken(nextHop, "filtered-1", DELIVERY).get(0);
        assertThat(delivered.header("X-Virus-Scanned")).contains("test filter");
        assertThat(delivered.recipients()).containsExactly("bob@remote.example");
        assertThat(filter.messageCount()).as("re-injected mail is not filtered again").isEqualTo(1);
        assertThat(server.maillogLines()).anyMatch(line -> line.contains("relay=127.0.0.1[127.0.0.1]:" + filter.port())
            && line.contains("status=sent"));
    }

    @Test
    void aFilterActionReplacesContentFilter() throws IOException {
        send(server.smtpPort(), "carol@remote.example",
            TestMessages.withToken("special@client.example", "carol@remote.example", "filtered-2", "hello\r\n"),
            "special@client.example");

        SinkMessage atOtherFilter = TestMessages.awaitToken(otherFilter, "filtered-2", DELIVERY).get(0);
        assertThat(atOtherFilter.recipients()).containsExactly("carol@remote.example");
        assertThat(TestMessages.withToken(filter, "filtered-2")).isEmpty();
    }

    private static void send(int port, String recipient, String content) {
        send(port, recipient, content, SENDER);
    }

    private static void send(int port, String recipient, String content, String sender) {
        try (SmtpClient client = SmtpClient.connect(port)) {
            client.greeting();
            client.ehlo("client.example");
            assertThat(client.sendMail(sender, recipient, content).code()).isEqualTo(250);
            client.quit();
        }
    }
}
