package dev.postern.app.postscreen;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;

import dev.postern.log.MailLog;

/** The deep protocol tests and the enforce answers of postscreen's own SMTP engine. */
class SmtpDummyTest {
    private static final DeepTests ALL = new DeepTests(true, PostscreenAction.ENFORCE, true, PostscreenAction.DROP,
        true, PostscreenAction.IGNORE, Duration.ofDays(30));

    private final EmbeddedChannel channel = new EmbeddedChannel();
    private final List<String> logged = new ArrayList<>();
    private final List<String> outcomes = new ArrayList<>();
    private final MailLog log = new MailLog("postern", "mx.example", Clock.systemUTC(), line -> logged.add(line));

    private SmtpDummy dummy(String reject) {
        return new SmtpDummy(channel, log, "[192.0.2.7]:40123", "mx.example ESMTP", reject, ALL, new SmtpDummy.Outcome() {
            @Override
            public void passed() {
                outcomes.add("passed");
            }

            @Override
            public void dropped() {
                outcomes.add("dropped");
            }

            @Override
            public void failed(PostscreenAction action) {
                outcomes.add("failed " + action);
            }

            @Override
            public void ended() {
                outcomes.add("ended");
            }
        });
    }

    private String replies() {
        StringBuilder out = new StringBuilder();
        ByteBuf reply;
        while ((reply = channel.readOutbound()) != null) {
            out.append(reply.toString(StandardCharsets.US_ASCII));
            reply.release();
        }
        return out.toString();
    }

    private static ByteBuf bytes(String text) {
        return Unpooled.copiedBuffer(text, StandardCharsets.US_ASCII);
    }

    @Test
    void aCleanClientPassesAtRcptWith450AndMustReconnect() {
        SmtpDummy dummy = dummy(null);
        dummy.greet();
        dummy.received(bytes("EHLO client.example\r\n"));
        dummy.received(bytes("MAIL FROM:<a@client.example>\r\n"));
        dummy.received(bytes("RCPT TO:<b@mx.example>\r\n"));
        assertThat(replies()).isEqualTo("220 mx.example ESMTP\r\n250 mx.example\r\n250 2.1.0 Ok\r\n"
            + "450 4.3.2 Service currently unavailable\r\n");
        assertThat(outcomes).containsExactly("passed");
        assertThat(logged).anyMatch(line -> line.endsWith("postern/postscreen[" + ProcessHandle.current().pid()
            + "]: NOQUEUE: reject: RCPT from [192.0.2.7]:40123: 450 4.3.2 Service currently unavailable;"
            + " from=<a@client.example>, to=<b@mx.example>, proto=ESMTP, helo=<client.example>"));
    }

    @Test
    void pipeliningWithoutTheExtensionFailsAndIsEnforcedAtRcpt() {
        SmtpDummy dummy = dummy(null);
        dummy.received(bytes("EHLO bot.example\r\nMAIL FROM:<a@bot.example>\r\nRCPT TO:<b@mx.example>\r\n"));
        assertThat(replies()).endsWith("550 5.5.1 Protocol error\r\n");
        assertThat(outcomes).containsExactly("failed ENFORCE");
        assertThat(logged).anyMatch(line -> line.contains("COMMAND PIPELINING from [192.0.2.7]:40123 after EHLO: MAIL FROM:"));
    }

    @Test
    void aNonSmtpCommandIsDropped() {
        SmtpDummy dummy = dummy(null);
        dummy.received(bytes("GET / HTTP/1.0\r\n"));
        assertThat(replies()).isEqualTo("521 5.5.1 Protocol error\r\n");
        assertThat(outcomes).containsExactly("dropped");
        assertThat(logged).anyMatch(line -> line.contains("NON-SMTP COMMAND from [192.0.2.7]:40123 after CONNECT: GET / HTTP/1.0"));
    }

    @Test
    void aBareNewlineFailsWithoutPassing() {
        SmtpDummy dummy = dummy(null);
        dummy.received(bytes("HELO lf.example\n"));
        dummy.received(bytes("MAIL FROM:<a@lf.example>\r\n"));
        dummy.received(bytes("RCPT TO:<b@mx.example>\r\n"));
        assertThat(replies()).endsWith("450 4.3.2 Service currently unavailable\r\n");
        assertThat(outcomes).as("ignore: not passed, not dropped").containsExactly("failed IGNORE");
        assertThat(logged).anyMatch(line -> line.contains("BARE NEWLINE from [192.0.2.7]:40123 after CONNECT"));
    }

    @Test
    void anEnforcedClientGetsTheFailedTestsRejectAndNoDeepTests() {
        SmtpDummy dummy = dummy("550 5.3.2 Service currently unavailable");
        dummy.received(bytes("EHLO a\r\nMAIL FROM:<a@b>\r\nRCPT TO:<c@d>\r\nQUIT\r\n"));
        assertThat(replies()).contains("550 5.3.2 Service currently unavailable\r\n").endsWith("221 2.0.0 Bye\r\n");
        assertThat(outcomes).containsExactly("ended");
    }
}
