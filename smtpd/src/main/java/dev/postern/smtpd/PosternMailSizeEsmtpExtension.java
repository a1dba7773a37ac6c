package dev.postern.smtpd;

import org.apache.james.protocols.api.Response;
import org.apache.james.protocols.api.handler.LineHandler;
import org.apache.james.protocols.smtp.MailEnvelope;
import org.apache.james.protocols.smtp.SMTPSession;
import org.apache.james.protocols.smtp.core.esmtp.MailSizeEsmtpExtension;
import org.apache.james.protocols.smtp.hook.HookResult;

/**
 * {@code message_size_limit} with Postfix's replies on top of James's SIZE extension, which
 * does the counting: {@code 552 5.3.4 Message size exceeds fixed limit} for a {@code SIZE=}
 * over the limit at MAIL FROM, {@code 552 5.3.4 Error: message file too big} when the data
 * itself goes over it (James: "Quota exceeded", without an enhanced code). A message over
 * the limit is never queued.
 */
public class PosternMailSizeEsmtpExtension extends MailSizeEsmtpExtension {
    private static final String JAMES_TOO_BIG = "Quota exceeded";

    @Override
    public HookResult doMailParameter(SMTPSession session, String paramName, String paramValue) {
        return reword(super.doMailParameter(session, paramName, paramValue), FixedReply.SIZE_EXCEEDS_LIMIT);
    }

    @Override
    public Response onLine(SMTPSession session, byte[] line, LineHandler<SMTPSession> next) {
        Response response = super.onLine(session, line, next);
        if (response != null && "552".equals(response.getRetCode()) && isJamesQuotaReply(response)) {
            return FixedReply.MESSAGE_FILE_TOO_BIG.response();
        }
        return response;
    }

    /**
     * James's own answer to an oversized message. Only that one is reworded: the reply to the end of
     * data passes through here from the hooks after it, whose 552s (a header over its limit) say
     * something else.
     */
    private static boolean isJamesQuotaReply(Response response) {
        return response.getLines().stream().anyMatch(text -> text.toString().endsWith(JAMES_TOO_BIG));
    }

    @Override
    public HookResult onMessage(SMTPSession session, MailEnvelope mail) {
        return reword(super.onMessage(session, mail), FixedReply.MESSAGE_FILE_TOO_BIG);
    }

    private static HookResult reword(HookResult result, FixedReply reply) {
        if (result == null || !"552".equals(result.getSmtpRetCode())) {
            return result;
        }
        return reply.hookResult();
    }
}
