package com.example.policy;

import org.apache.james.core.MailAddress;
import org.apache.james.core.MaybeSender;
import org.apache.james.protocols.smtp.SMTPSession;
import org.apache.james.protocols.smtp.hook.HookResult;
import org.apache.james.protocols.smtp.hook.RcptHook;

/**
 * A careless site hook: OK for every recipient. In James an OK makes the RCPT hooks after it
 * skip, so listed before Postern's handlers it would accept anything for anyone.
 */
public class AcceptEveryRecipientHook implements RcptHook {
    @Override
    public HookResult doRcpt(SMTPSession session, MaybeSender sender, MailAddress rcpt) {
        return HookResult.OK;
    }
}
