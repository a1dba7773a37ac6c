package dev.postern.smtpd;

import java.util.List;

import javax.inject.Inject;

import org.apache.commons.configuration2.Configuration;
import org.apache.commons.configuration2.ex.ConfigurationException;
import org.apache.james.domainlist.api.DomainList;
import org.apache.james.protocols.smtp.SMTPSession;
import org.apache.james.protocols.smtp.hook.HookResult;
import org.apache.james.smtpserver.JamesMessageHook;
import org.apache.james.user.api.UsersRepository;
import org.apache.mailet.Mail;

import dev.postern.restrictions.Stage;

/**
 * {@code smtpd_end_of_data_restrictions}, run after the final dot and before the message is
 * checked and queued ({@link HeaderBodyChecksHook}, {@link QueueingMessageHook} come after it):
 * a rejection is the reply to the end of data, e.g. {@code 554 5.7.1 <END-OF-MESSAGE>:
 * End-of-data rejected: Access denied}, and nothing is queued. In Postfix, too, smtpd's
 * end-of-data check answers before cleanup's verdict on the content is read.
 */
public class EndOfDataRestrictionsHook implements JamesMessageHook {
    private final DomainList domainList;
    private final UsersRepository users;
    private final HookEnvironment environment;
    private MessageStageRestrictions restrictions;

    @Inject
    public EndOfDataRestrictionsHook(DomainList domainList, UsersRepository users, HookEnvironment environment) {
        this.domainList = domainList;
        this.users = users;
        this.environment = environment;
    }

    @Override
    public void init(Configuration config) throws ConfigurationException {
        restrictions = MessageStageRestrictions.create(config, this, environment, domainList, users);
    }

    @Override
    public HookResult onMessage(SMTPSession session, Mail mail) {
        return restrictions.check(session, Stage.END_OF_DATA, mail.getMaybeSender(), List.copyOf(mail.getRecipients()))
            .orElse(HookResult.DECLINED);
    }
}
