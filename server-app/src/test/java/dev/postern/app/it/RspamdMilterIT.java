package dev.postern.app.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.regex.Pattern;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import dev.postern.app.harness.Await;
import dev.postern.app.harness.ClientReply;
import dev.postern.app.harness.PosternExtension;
import dev.postern.app.harness.PosternProcess;
import dev.postern.app.harness.RspamdServer;
import dev.postern.app.harness.SmtpClient;
import dev.postern.testing.smtp.SinkMessage;
import dev.postern.testing.smtp.SmtpSink;

/**
 * Debian's rspamd, its milter proxy, as Postern's milter, configured as rspamd's own integration
 * guide configures Postfix ({@code milter_default_action = accept}: mail keeps flowing, unscanned,
 * while rspamd is down; {@code milter_mail_macros} with the queue ID). The GTUBE test message is
 * refused after the final dot with rspamd's reply and nothing is relayed; a clean message is
 * relayed with the headers rspamd adds. One server and one rspamd for the class.
 */
class RspamdMilterIT {
    private static final String SENDER = "alice@client.example";
    private static final String RECIPIENT = "bob@remote.example";
    private static final String GTUBE = "XJS*C4JDBQADN1.NSBN3*2IDNEN*GTUBE-STANDARD-ANTI-UBE-TEST-EMAIL*C.34X";
    /** rspamd's reason for its GTUBE verdict, the text of its milter reply. */
    private static final String GTUBE_REPLY = "Gtube pattern";
    private static final String WHO = " from localhost[127.0.0.1]: ";

    @RegisterExtension
    static final PosternExtension postern = new PosternExtension();

    @TempDir
    static Path rspamdDirectory;

    private static RspamdServer rspamd;
    private static SmtpSink sink;
    private static PosternProcess server;

    @BeforeAll
    static void start() {
        rspamd = new RspamdServer(rspamdDirectory).start();
        sink = postern.newSink();
        server = postern.newServer().myhostname("mx.rspamd-it.test").relayhost(sink)
            .parameter("smtpd_milters", rspamd.endpoint())
            .parameter("milter_default_action", "accept")
            .parameter("milter_mail_macros", "i {mail_addr} {client_addr} {client_name} {auth_authen}")
            .start();
    }

    @AfterAll
    static void stop() {
        rspamd.close();
    }

    @Test
    void theGtubeMessageIsRejectedAfterTheFinalDotWithRspamdsReply() {
        ClientReply reply = send("<gtube-1@client.example>", "GTUBE", "This is the GTUBE test pattern:\r\n\r\n" + GTUBE + "\r\n");

        assertThat(reply.full()).as("%s", rspamd.log()).isEqualTo("554 5.7.1 " + GTUBE_REPLY);
        server.awaitMaillogLine("cleanup's milter-reject line", Duration.ofSeconds(10), Pattern.compile(
            ".* postern/cleanup\\[\\d+\\]: [0-9A-F]{10,12}: milter-reject: END-OF-MESSAGE" + Pattern.quote(WHO
                + "5.7.1 " + GTUBE_REPLY + "; from=<" + SENDER + "> to=<" + RECIPIENT
                + "> proto=ESMTP helo=<client.example>")).asMatchPredicate());
        Await.holdsFor("nothing relayed", Duration.ofSeconds(3),
            () -> sink.messages().stream().noneMatch(m -> m.body().contains("GTUBE")));
    }

    @Test
    void aCleanMessageIsRelayedWithTheHeadersRspamdAdds() {
        ClientReply reply = send("<clean-1@client.example>", "lunch", "Shall we meet at noon?\r\n");
        assertThat(reply.full()).startsWith("250 2.0.0 Ok: queued as ");
        String queueId = reply.full().substring(reply.full().lastIndexOf(' ') + 1);

        List<SinkMessage> relayed = Await.value("the clean message at the sink", Duration.ofSeconds(30), sink::messages,
            list -> list.stream().anyMatch(m -> m.body().contains("meet at noon")));
        SinkMessage copy = relayed.stream().filter(m -> m.body().contains("meet at noon")).findFirst().orElseThrow();
        assertThat(copy.headerValues("X-Rspamd-Queue-Id"))
            .as("the queue ID, from Postern's i macro: %s", copy.contentAsString()).containsExactly(queueId);
        assertThat(copy.headerValues("X-Rspamd-Action")).containsExactly("no action");
        assertThat(copy.headerValues("X-Spamd-Result")).singleElement().asString()
            .startsWith("default: False [0.00 / 15.00]");
        assertThat(copy.header("X-Rspamd-Server")).isPresent();
        assertThat(copy.header("X-Spam")).as("no spam flag on a clean message").isEmpty();
    }

    private static ClientReply send(String messageId, String subject, String body) {
        try (SmtpClient client = server.connect()) {
            client.ehlo("client.example");
            ClientReply reply = client.sendMail(SENDER, RECIPIENT, "From: Alice <" + SENDER + ">\r\nTo: " + RECIPIENT
                + "\r\nSubject: " + subject + "\r\nDate: Mon, 7 Dec 2026 11:00:00 +0000\r\nMessage-ID: " + messageId
                + "\r\n\r\n" + body);
            client.quit();
            return reply;
        }
    }
}
