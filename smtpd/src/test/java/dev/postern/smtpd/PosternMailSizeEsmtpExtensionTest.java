package dev.postern.smtpd;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;

import org.apache.james.protocols.api.Response;
import org.apache.james.protocols.smtp.SMTPResponse;
import org.junit.jupiter.api.Test;

/** Only James's own oversize reply is reworded as Postfix's; a later hook's 552 keeps its words. */
class PosternMailSizeEsmtpExtensionTest {
    @Test
    void aHeaderLimitRefusalPassesUnchanged() {
        Response refusal = new SMTPResponse("552", "5.3.4 Error: message header size exceeds limit");

        Response response = new PosternMailSizeEsmtpExtension().onLine(FakeSessions.withAttachments(),
            ".\r\n".getBytes(StandardCharsets.US_ASCII), (session, line) -> refusal);

        assertThat(response).isSameAs(refusal);
    }
}
