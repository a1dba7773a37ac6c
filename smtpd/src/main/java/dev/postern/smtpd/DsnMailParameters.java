package dev.postern.smtpd;

import org.apache.james.protocols.api.ProtocolSession.State;
import org.apache.james.protocols.smtp.SMTPSession;
import org.apache.james.protocols.smtp.hook.HookResult;
import org.apache.james.protocols.smtp.hook.MailParametersHook;
import org.apache.james.smtpserver.dsn.DSNMailParameterHook;
import org.apache.mailet.DsnParameters;

/**
 * The RFC 3461 parameters of MAIL FROM, {@code RET=FULL|HDRS} and {@code ENVID=xtext}, kept where
 * James's {@code DSNMessageHook} reads them (the attachments of James's {@link DSNMailParameterHook})
 * so that the queued mail carries them. James's own hook ignores a bad RET and lets a bad ENVID
 * escape as an exception; Postfix answers the client instead, and so does this hook, with Postfix's
 * {@code 501 5.5.4} replies.
 */
public class DsnMailParameters implements MailParametersHook {
    @Override
    public HookResult doMailParameter(SMTPSession session, String paramName, String paramValue) {
        if (paramName.equals(DsnParameters.RET_PARAMETER)) {
            return DsnParameters.Ret.parse(paramValue)
                .map(ret -> {
                    session.setAttachment(DSNMailParameterHook.DSN_RET, ret, State.Transaction);
                    return HookResult.DECLINED;
                })
                .orElseGet(() -> badSyntax("Bad RET parameter syntax"));
        }
        if (paramName.equals(DsnParameters.ENVID_PARAMETER)) {
            if (paramValue.isEmpty() || !DsnParameters.XText.isValid(paramValue)) {
                return badSyntax("Bad ENVID parameter syntax");
            }
            session.setAttachment(DSNMailParameterHook.DSN_ENVID, DsnParameters.EnvId.of(paramValue), State.Transaction);
        }
        return HookResult.DECLINED;
    }

    @Override
    public String[] getMailParamNames() {
        return new String[] {DsnParameters.RET_PARAMETER, DsnParameters.ENVID_PARAMETER};
    }

    static HookResult badSyntax(String text) {
        return FixedReply.BAD_DSN_PARAMETER.hookResult(text);
    }
}
