package dev.postern.smtpd;

import java.util.Collection;
import java.util.List;
import java.util.Optional;

import javax.inject.Inject;

import org.apache.commons.configuration2.Configuration;
import org.apache.commons.configuration2.ex.ConfigurationException;
import org.apache.james.core.MailAddress;
import org.apache.james.core.MaybeSender;
import org.apache.james.domainlist.api.DomainList;
import org.apache.james.protocols.api.ProtocolSession.State;
import org.apache.james.protocols.api.Request;
import org.apache.james.protocols.api.Response;
import org.apache.james.protocols.api.handler.CommandHandler;
import org.apache.james.protocols.smtp.SMTPSession;
import org.apache.james.protocols.smtp.core.AbstractHookableCmdHandler;
import org.apache.james.user.api.UsersRepository;

import dev.postern.restrictions.Stage;

/**
 * {@code smtpd_data_restrictions}, run at the DATA command just before James's DATA handler:
 * a rejection is the reply to DATA (e.g. {@code 550 5.5.3 <DATA>: Data command rejected:
 * Multi-recipient bounce}); otherwise it answers nothing and James's handler goes on with 354.
 * As in Postfix, a DATA that is out of sequence or has an argument is left to the DATA handler's
 * own replies and does not reach the restrictions.
 */
public class DataRestrictionsHandler implements CommandHandler<SMTPSession> {
    private final DomainList domainList;
    private final UsersRepository users;
    private final HookEnvironment environment;
    private MessageStageRestrictions restrictions;

    @Inject
    public DataRestrictionsHandler(DomainList domainList, UsersRepository users, HookEnvironment environment) {
        this.domainList = domainList;
        this.users = users;
        this.environment = environment;
    }

    @Override
    public void init(Configuration config) throws ConfigurationException {
        restrictions = MessageStageRestrictions.create(config, this, environment, domainList, users);
    }

    @Override
    public Response onCommand(SMTPSession session, Request request) {
        Optional<MaybeSender> sender = session.getAttachment(SMTPSession.SENDER, State.Transaction);
        List<MailAddress> recipients = session.getAttachment(SMTPSession.RCPT_LIST, State.Transaction).orElse(List.of());
        boolean hasArgument = request.getArgument() != null && !request.getArgument().isBlank();
        if (hasArgument || sender.isEmpty() || recipients.isEmpty()) {
            return null;
        }
        return restrictions.check(session, Stage.DATA, sender.get(), List.copyOf(recipients))
            .<Response>map(AbstractHookableCmdHandler::calcDefaultSMTPResponse)
            .orElse(null);
    }

    @Override
    public Collection<String> getImplCommands() {
        return List.of("DATA");
    }
}
