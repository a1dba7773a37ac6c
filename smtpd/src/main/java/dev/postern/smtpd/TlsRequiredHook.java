package dev.postern.smtpd;

import javax.inject.Inject;

import org.apache.commons.configuration2.Configuration;
import org.apache.commons.configuration2.ex.ConfigurationException;
import org.apache.james.core.MaybeSender;
import org.apache.james.protocols.smtp.SMTPSession;
import org.apache.james.protocols.smtp.hook.HookResult;
import org.apache.james.protocols.smtp.hook.MailHook;

/**
 * {@code smtpd_tls_security_level = encrypt}: no mail transaction before STARTTLS,
 * {@code 530 5.7.0 Must issue a STARTTLS command first}. Refusing MAIL is enough: RCPT and
 * DATA need it, and AUTH is not announced (so refused) before TLS at this level.
 */
public class TlsRequiredHook implements MailHook {
    private final HookEnvironment environment;
    private PerListener<Boolean> required;

    @Inject
    public TlsRequiredHook(HookEnvironment environment) {
        this.environment = environment;
    }

    @Override
    public void init(Configuration config) throws ConfigurationException {
        required = environment.perListener(config, this,
            parameters -> parameters.get("smtpd_tls_security_level").trim().equalsIgnoreCase("encrypt"));
    }

    @Override
    public HookResult doMail(SMTPSession session, MaybeSender sender) {
        if (!required.of(session) || session.isTLSStarted()) {
            return HookResult.DECLINED;
        }
        return FixedReply.STARTTLS_FIRST.hookResult();
    }
}
