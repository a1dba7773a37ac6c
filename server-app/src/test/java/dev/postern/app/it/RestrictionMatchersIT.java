package dev.postern.app.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.postern.app.harness.PosternExtension;
import dev.postern.app.harness.PosternProcess;
import dev.postern.app.harness.SmtpClient;
import dev.postern.app.harness.ClientReply;
import dev.postern.app.harness.TestMessages;
import dev.postern.app.harness.WebAdminClient;
import dev.postern.testing.smtp.SinkMessage;
import dev.postern.testing.smtp.SmtpSink;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Postern's restriction matchers inside Postern: the matcher reads the main.cf the assembly binds
 * (no {@code postern.mainCf}), and splits a mail's recipients in the pipeline.
 */
class RestrictionMatchersIT {
    private static final Duration DELIVERY = Duration.ofSeconds(60);
    private static final String TRANSPORT = "<processor state=\"transport\" enableJmx=\"false\">";
    private static final String REFUSED = "var/spool/policy-refused";
    /** Mail from mynetworks passes smtpd; the matcher still refuses carol by the access entry. */
    private static final String POLICY = "<mailet match=\"dev.postern.matchers.Restrictions=check_recipient_access"
        + " inline:{carol@remote.example=REJECT}, permit_mynetworks\" class=\"ToRepository\">"
        + "<repositoryPath>file://" + REFUSED + "/</repositoryPath></mailet>";

    @RegisterExtension
    final PosternExtension postern = new PosternExtension();

    @Test
    void restrictionsMatcherSendsRefusedRecipientsAsideAndTheRestOn() throws IOException, InterruptedException {
        SmtpSink sink = postern.newSink();
        PosternProcess server = postern.newServer().myhostname("mx.matchers-it.test").relayhost(sink);
        String distributed = Files.readString(server.distribution().resolve("conf").resolve("mailetcontainer.xml"),
            StandardCharsets.UTF_8);
        assertThat(distributed).as("the transport processor to extend").contains(TRANSPORT);
        server.writeConfFile("mailetcontainer.xml", distributed.replace(TRANSPORT, TRANSPORT + "\n" + POLICY));
        server.start();

        try (SmtpClient client = server.connect()) {
            client.ehlo("client.example");
            ClientReply reply = client.sendMail("alice@client.example", List.of("carol@remote.example", "dave@remote.example"),
                TestMessages.withToken("alice@client.example", "dave@remote.example", "matchers-1", "hello\r\n"));
            assertThat(reply.code()).as("%s", reply).isEqualTo(250);
            client.quit();
        }

        List<SinkMessage> relayed = sink.awaitMessages(1, DELIVERY);
        assertThat(relayed.get(0).recipients()).containsExactly("dave@remote.example");
        WebAdminClient webAdmin = server.webAdmin();
        String path = "/mailRepositories/" + REFUSED.replace("/", "%2F") + "/mails";
        Instant deadline = Instant.now().plus(DELIVERY);
        WebAdminClient.Response keys = webAdmin.getJson(path);
        while ((keys.status() != 200 || !keys.body().startsWith("[\"")) && Instant.now().isBefore(deadline)) {
            Thread.sleep(200);
            keys = webAdmin.getJson(path);
        }
        assertThat(keys.status()).as("%s", keys).isEqualTo(200);
        String key = keys.body().replaceAll("^\\[\"|\"\\]$", "");
        WebAdminClient.Response mail = webAdmin.getJson(path + "/" + java.net.URLEncoder.encode(key, StandardCharsets.UTF_8));
        assertThat(mail.body()).as("%s", mail).contains("\"recipients\":[\"carol@remote.example\"]");
    }
}
