package dev.postern.app.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import dev.postern.app.harness.ClientReply;
import dev.postern.app.harness.PosternExtension;
import dev.postern.app.harness.PosternProcess;
import dev.postern.app.harness.SmtpClient;
import dev.postern.app.harness.TestMessages;
import dev.postern.testing.smtp.SinkMessage;
import dev.postern.testing.smtp.SmtpSink;

/**
 * Value forms of Postfix configurations that Postern used to refuse, in one running server:
 * an IPv4-mapped network and a cidr table (with a malformed rule, skipped) in mynetworks,
 * {@code myorigin = /file}, a bare table after check_sender_access, and
 * {@code smtp_tls_security_level = dane} (delivers as may).
 */
class PostfixValueFormsIT {
    private static final Duration DELIVERY = Duration.ofSeconds(60);

    @RegisterExtension
    final PosternExtension postern = new PosternExtension();

    @Test
    void aConfigurationWrittenForPostfixLoadsAndBehavesAsPostfix() {
        SmtpSink sink = postern.newSink();
        PosternProcess server = postern.newServer().myhostname("mx.forms-it.test").relayhost(sink);
        server.writeConfFile("mailname", "origin.forms-it.test\n")
            .writeConfFile("trusted.cidr", "10.1.2.3/8 BAD-HOST-BITS\n127.0.0.3 OK\n")
            .writeConfFile("canonical", "alice@client.example alice\n")
            .writeConfFile("empty_access", "")
            .writeConfFile("sender_access", "spammer@client.example REJECT go away\n")
            .parameter("mynetworks", "[::ffff:127.0.0.1]/128 [::1]/128 cidr:conf/trusted.cidr")
            .parameter("myorigin", server.confDir().resolve("mailname").toString())
            .parameter("canonical_maps", "texthash:conf/canonical")
            .parameter("smtpd_sender_restrictions",
                "check_sender_access texthash:conf/empty_access, texthash:conf/sender_access")
            .parameter("smtp_tls_security_level", "dane")
            .start();

        // 127.0.0.1 through [::ffff:127.0.0.1]/128; the unqualified canonical result gets @$myorigin from the file
        assertThat(relay(server, "127.0.0.1", "alice@client.example", "forms-1").code()).isEqualTo(250);
        SinkMessage message = sink.awaitMessages(1, DELIVERY).get(0);
        assertThat(message.sender()).isEqualTo("alice@origin.forms-it.test");
        assertThat(TestMessages.token(message)).contains("forms-1");

        // 127.0.0.3 through the cidr table, whose malformed first rule was skipped
        assertThat(rcpt(server, "127.0.0.3", "someone@client.example")).isEqualTo("250 2.1.5 Ok");
        assertThat(rcpt(server, "127.0.0.2", "someone@client.example"))
            .isEqualTo("454 4.7.1 <bob@remote.example>: Relay access denied");
        // the bare table after check_sender_access is a second sender table
        assertThat(rcpt(server, "127.0.0.1", "spammer@client.example"))
            .isEqualTo("554 5.7.1 <spammer@client.example>: Sender address rejected: go away");

        assertThat(server.maillog()).contains("warning: smtp_tls_security_level = dane needs smtp_dns_support_level = dnssec to look up TLSA records");
        assertThat(server.console() + server.maillog())
            .contains(server.confDir().resolve("trusted.cidr") + ", line 1: non-null host address bits");
    }

    private static ClientReply relay(PosternProcess server, String from, String sender, String token) {
        try (SmtpClient client = server.connectFrom(from)) {
            client.ehlo("client.example");
            client.mailFrom(sender);
            assertThat(client.rcptTo("bob@remote.example").full()).isEqualTo("250 2.1.5 Ok");
            ClientReply reply = client.data(TestMessages.withToken(sender, "bob@remote.example", token, "body\r\n"));
            client.quit();
            return reply;
        }
    }

    private static String rcpt(PosternProcess server, String from, String sender) {
        try (SmtpClient client = server.connectFrom(from)) {
            client.ehlo("client.example");
            client.mailFrom(sender);
            String reply = client.rcptTo("bob@remote.example").full();
            client.quit();
            return reply;
        }
    }
}
