package dev.postern.smtpd;

import java.util.List;

import javax.inject.Inject;

import org.apache.commons.configuration2.Configuration;
import org.apache.commons.configuration2.ex.ConfigurationException;
import org.apache.james.core.MailAddress;
import org.apache.james.core.MaybeSender;
import org.apache.james.protocols.api.ProtocolSession.State;
import org.apache.james.protocols.smtp.SMTPSession;
import org.apache.james.protocols.smtp.hook.HookResult;
import org.apache.james.protocols.smtp.hook.RcptHook;

/**
 * {@code smtpd_recipient_limit}: recipients one message may have, {@code 452 4.5.3 Error: too
 * many recipients} for each one past it (the client sends the rest in another transaction).
 * Checked before the restrictions, as Postfix does, so a flood of RCPTs costs no lookups.
 */
public class RecipientLimitHook implements RcptHook {
    private final HookEnvironment environment;
    private PerListener<Long> limits;

    @Inject
    public RecipientLimitHook(HookEnvironment environment) {
        this.environment = environment;
    }

    @Override
    public void init(Configuration config) throws ConfigurationException {
        limits = environment.perListener(config, this, parameters -> parameters.number("smtpd_recipient_limit"));
    }

    @Override
    public HookResult doRcpt(SMTPSession session, MaybeSender sender, MailAddress rcpt) {
        long limit = limits.of(session);
        int accepted = session.getAttachment(SMTPSession.RCPT_LIST, State.Transaction).map(List::size).orElse(0);
        if (limit <= 0 || accepted < limit) {
            return HookResult.DECLINED;
        }
        return FixedReply.TOO_MANY_RECIPIENTS.hookResult();
    }
}
