package dev.postern.smtpd;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.apache.commons.configuration2.BaseHierarchicalConfiguration;
import org.apache.james.protocols.api.handler.LineHandler;
import org.apache.james.protocols.smtp.SMTPSession;
import org.apache.james.protocols.smtp.hook.HookResult;
import org.apache.james.protocols.smtp.hook.HookReturnCode;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import dev.postern.config.MainCf;
import dev.postern.log.MailLog;

/**
 * The header limits between James's DATA lines and its message store: main.cf's parameters, the
 * lines that reach the store, and the reply at the end of data.
 */
class CleanupHeaderLimitsTest {
    private final ByteArrayOutputStream stored = new ByteArrayOutputStream();
    private final LineHandler<SMTPSession> store = (session, line) -> {
        stored.writeBytes(line);
        return null;
    };
    private SMTPSession session;

    @BeforeEach
    void session() {
        session = FakeSessions.withAttachments();
    }

    @Test
    void theHopcountLimitIsAnsweredAtTheEndOfDataWithPostfixsReply() throws Exception {
        CleanupHeaderLimits limits = limits("hopcount_limit = 3");
        send(limits, "Received: from one\r\n", "Received: from two\r\n", "Subject: x\r\n");
        assertThat(limits.onMessage(session, null)).as("two hops are fine").isSameAs(HookResult.DECLINED);

        send(limits, "Received: from three\r\n", "Subject: x\r\n", "\r\n", "body\r\n");

        HookResult result = limits.onMessage(session, null);
        assertThat(result.getResult()).isEqualTo(HookReturnCode.deny());
        assertThat(result.getSmtpRetCode() + " " + result.getSmtpDescription()).isEqualTo("554 5.4.0 Error: too many hops");
        assertThat(stored.toString(StandardCharsets.US_ASCII)).as("nothing after the refusal is stored")
            .isEqualTo("Received: from one\r\nReceived: from two\r\nSubject: x\r\n");
    }

    @Test
    void theEndOfDataReachesJamesAndTheNextMessageStartsAfresh() throws Exception {
        CleanupHeaderLimits limits = limits("hopcount_limit = 2");
        List<String> ends = new ArrayList<>();
        LineHandler<SMTPSession> james = (s, line) -> {
            ends.add(new String(line, StandardCharsets.US_ASCII));
            ends.add(limits.onMessage(s, null).getSmtpRetCode());
            return null;
        };
        send(limits, "Received: a\r\n", "Received: b\r\n");
        limits.onLine(session, ".\r\n".getBytes(StandardCharsets.US_ASCII), james);

        limits.onLine(session, "Received: c\r\n".getBytes(StandardCharsets.US_ASCII), store);
        limits.onLine(session, ".\r\n".getBytes(StandardCharsets.US_ASCII), james);

        assertThat(ends).containsExactly(".\r\n", "554", ".\r\n", null);
    }

    @Test
    void headerSizeLimitAndTokenLimitComeFromMainCf() throws Exception {
        CleanupHeaderLimits limits = limits("header_size_limit = 20", "header_address_token_limit = 3");

        send(limits, "X-Long: 0123456789abcdefghij\r\n", "To: a@b.c\r\n", "\r\n");

        assertThat(stored.toString(StandardCharsets.US_ASCII)).isEqualTo("X-Long: 0123456789ab\r\nTo: a@b\r\n\r\n");
        assertThat(limits.onMessage(session, null)).isSameAs(HookResult.DECLINED);
    }

    @Test
    void aHeaderOverTheBlockLimitIsRefusedWith552() throws Exception {
        CleanupHeaderLimits limits = limits("postern_header_block_size_limit = 1000");
        for (int i = 0; i < 200; i++) {
            send(limits, "X-" + i + ": v\r\n");
        }

        HookResult result = limits.onMessage(session, null);

        assertThat(result.getSmtpRetCode() + " " + result.getSmtpDescription())
            .isEqualTo("552 5.3.4 Error: message header size exceeds limit");
        assertThat(stored.size()).isLessThanOrEqualTo(1000);
    }

    private void send(CleanupHeaderLimits limits, String... lines) {
        for (String line : lines) {
            limits.onLine(session, line.getBytes(StandardCharsets.US_ASCII), store);
        }
    }

    private static CleanupHeaderLimits limits(String... mainCf) throws Exception {
        MailLog log = new MailLog("postern", "mx.example.com", Clock.systemUTC(), line -> { });
        CleanupHeaderLimits limits = new CleanupHeaderLimits(new HookEnvironment(MainCf.parse("main.cf",
            List.of(mainCf), Map.of()), log));
        limits.init(new BaseHierarchicalConfiguration());
        return limits;
    }
}
