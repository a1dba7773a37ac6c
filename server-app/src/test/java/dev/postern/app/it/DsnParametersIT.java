package dev.postern.app.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.postern.app.harness.PosternExtension;
import dev.postern.app.harness.PosternProcess;
import dev.postern.app.harness.SmtpClient;
import dev.postern.app.harness.ClientReply;
import dev.postern.app.harness.TestMessages;
import dev.postern.testing.smtp.SinkMessage;
import dev.postern.testing.smtp.SmtpSink;
import java.time.Duration;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * ESMTP DSN (RFC 3461) in the SMTP dialogue: EHLO announces {@code DSN}, the MAIL and RCPT parameters
 * are accepted and the message is relayed; bad parameter syntax gets Postfix's reply and the session
 * goes on. Passing the parameters on to the next hop is the SMTP client's business, not asserted here.
 */
class DsnParametersIT {
    private static final Duration DELIVERY = Duration.ofSeconds(60);

    @RegisterExtension
    static final PosternExtension postern = new PosternExtension();
    /** Shared by both tests; each finds its message by token. */
    private static SmtpSink sink;
    private static PosternProcess server;

    @BeforeAll
    static void startSharedServer() {
        sink = postern.newSink();
        server = postern.newServer().myhostname("mx.dsn-it.test").relayhost(sink).start();
    }

    @Test
    void dsnIsAnnouncedAndItsParametersAreAcceptedAndTheMessageRelayed() {
        String content = TestMessages.withToken("alice@client.example", "bob@remote.example", "dsn-1", "hello\r\n");

        try (SmtpClient client = server.connect()) {
            client.greeting();
            ClientReply ehlo = client.ehlo("client.example");
            assertThat(ehlo.hasExtension("DSN")).as("EHLO reply %s", ehlo).isTrue();
            assertThat(client.mailFrom("alice@client.example", "RET=HDRS ENVID=QQ314159").full()).isEqualTo("250 2.1.0 Ok");
            assertThat(client.command("RCPT TO:<bob@remote.example> NOTIFY=SUCCESS,FAILURE ORCPT=rfc822;bob@remote.example")
                .full()).isEqualTo("250 2.1.5 Ok");
            ClientReply end = client.data(content);
            assertThat(end.code()).as("reply to the end of DATA: %s", end).isEqualTo(250);
            client.quit();
        }

        SinkMessage message = TestMessages.awaitToken(sink, "dsn-1", DELIVERY).get(0);
        assertThat(message.sender()).isEqualTo("alice@client.example");
        assertThat(message.recipients()).containsExactly("bob@remote.example");
        assertThat(TestMessages.token(message)).contains("dsn-1");
    }

    @Test
    void badDsnParametersGetPostfixsReplyAndTheSessionGoesOn() {

        try (SmtpClient client = server.connect()) {
            client.greeting();
            client.ehlo("client.example");
            assertThat(client.mailFrom("alice@client.example", "RET=PARTIAL").full())
                .isEqualTo("501 5.5.4 Bad RET parameter syntax");
            assertThat(client.mailFrom("alice@client.example", "RET=FULL").full()).isEqualTo("250 2.1.0 Ok");
            assertThat(client.command("RCPT TO:<bob@remote.example> NOTIFY=NEVER,DELAY").full())
                .isEqualTo("501 5.5.4 Error: Bad NOTIFY parameter syntax");
            assertThat(client.command("RCPT TO:<bob@remote.example> NOTIFY=NEVER").full()).isEqualTo("250 2.1.5 Ok");
            ClientReply end = client.data(TestMessages.withToken("alice@client.example", "bob@remote.example", "dsn-2", "x\r\n"));
            assertThat(end.code()).as("reply to the end of DATA: %s", end).isEqualTo(250);
            client.quit();
        }

        assertThat(TestMessages.awaitToken(sink, "dsn-2", DELIVERY)).hasSize(1)
            .allSatisfy(message -> assertThat(message.recipients()).containsExactly("bob@remote.example"));
    }
}
