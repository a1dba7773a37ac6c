package dev.postern.app.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import dev.postern.app.harness.Await;
import dev.postern.app.harness.PosternExtension;
import dev.postern.app.harness.PosternProcess;
import dev.postern.app.harness.SmtpClient;
import dev.postern.app.harness.ClientReply;
import dev.postern.testing.smtp.SinkMessage;
import dev.postern.testing.smtp.SmtpSink;

/**
 * SMTP smuggling (SEC Consult, 2023): an end-of-data sequence other than CRLF.CRLF that one
 * server honours and the next does not lets a second, forged message ride inside the first.
 * Postern must never end a message on any of them: whatever it answers, no second message
 * reaches the relay target.
 */
class SmtpSmugglingIT {
    private static final Map<String, String> VARIANTS = new LinkedHashMap<>();

    static {
        VARIANTS.put("<LF>.<LF>", "\n.\n");
        VARIANTS.put("<LF>.<CR><LF>", "\n.\r\n");
        VARIANTS.put("<CR><LF>.<LF>", "\r\n.\n");
        VARIANTS.put("<CR>.<CR>", "\r.\r");
        VARIANTS.put("<CR><LF>.<CR>", "\r\n.\r");
    }

    @RegisterExtension
    final PosternExtension postern = new PosternExtension();

    @Test
    void noEndOfDataVariantEndsAMessage() {
        SmtpSink sink = postern.newSink();
        PosternProcess server = postern.newServer().myhostname("mx.smuggling-it.test").relayhost(sink).start();
        List<String> accepted = new ArrayList<>();
        List<String> report = new ArrayList<>();
        for (Map.Entry<String, String> variant : VARIANTS.entrySet()) {
            try (SmtpClient client = server.connect()) {
                client.ehlo("client.example");
                assertThat(client.mailFrom("alice@client.example").code()).isEqualTo(250);
                assertThat(client.rcptTo("bob@remote.example").code()).isEqualTo(250);
                assertThat(client.data().code()).isEqualTo(354);
                client.sendRaw("From: alice@client.example\r\nSubject: carrier " + variant.getKey() + "\r\n\r\nfirst"
                    + variant.getValue()
                    + "MAIL FROM:<smuggler@evil.example>\r\nRCPT TO:<victim@remote.example>\r\nDATA\r\n"
                    + "From: ceo@client.example\r\nSubject: smuggled\r\n\r\nforged\r\n.\r\n");
                List<ClientReply> replies = repliesUntilClosed(client);
                report.add(variant.getKey() + " -> " + replies);
                assertThat(replies).as("replies to %s", variant.getKey()).isNotEmpty();
                assertThat(replies.get(0).code()).as("one final reply to the one DATA, for %s: %s", variant.getKey(), replies)
                    .isIn(250, 500, 550, 554);
                if (replies.get(0).code() == 250) {
                    accepted.add(variant.getKey());
                }
                assertThat(replies.subList(1, replies.size())).as("nothing after the DATA reply but QUIT's, for %s", variant.getKey())
                    .allMatch(reply -> reply.code() == 221);
            }
        }
        Await.holdsFor("no smuggled message at the relay target", Duration.ofSeconds(5),
            () -> sink.messages().stream().noneMatch(SmtpSmugglingIT::isSmuggled));
        if (!accepted.isEmpty()) {
            List<SinkMessage> carriers = sink.awaitMessages(accepted.size(), Duration.ofSeconds(30));
            assertThat(carriers).as("one message per accepted DATA (%s)", report).hasSize(accepted.size());
            assertThat(carriers).allMatch(message -> message.recipients().equals(List.of("bob@remote.example")));
        }
        assertThat(sink.messages()).noneMatch(SmtpSmugglingIT::isSmuggled);
    }

    private static boolean isSmuggled(SinkMessage message) {
        return message.sender().equals("smuggler@evil.example") || message.recipients().contains("victim@remote.example")
            || message.header("Subject").map(s -> s.contains("smuggled")).orElse(false);
    }

    /** The reply to DATA, then QUIT's if the server still listens. */
    private static List<ClientReply> repliesUntilClosed(SmtpClient client) {
        List<ClientReply> replies = new ArrayList<>();
        replies.add(client.readReply());
        try {
            client.sendLine("QUIT");
            while (true) {
                replies.add(client.readReply());
            }
        } catch (RuntimeException closed) {
            return replies;
        }
    }
}
