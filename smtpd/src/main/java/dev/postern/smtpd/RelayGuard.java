package dev.postern.smtpd;

import java.util.ArrayList;
import java.util.List;

import javax.inject.Inject;

import org.apache.commons.configuration2.Configuration;
import org.apache.commons.configuration2.ex.ConfigurationException;
import org.apache.james.core.MailAddress;
import org.apache.james.core.MaybeSender;
import org.apache.james.domainlist.api.DomainList;
import org.apache.james.protocols.api.ProtocolSession;
import org.apache.james.protocols.api.ProtocolSession.State;
import org.apache.james.protocols.api.Response;
import org.apache.james.protocols.api.handler.ProtocolHandler;
import org.apache.james.protocols.api.handler.ProtocolHandlerResultHandler;
import org.apache.james.protocols.smtp.SMTPSession;
import org.apache.james.user.api.UsersRepository;
import org.apache.james.protocols.smtp.core.RcptCmdHandler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.postern.address.ResolvedAddress;
import dev.postern.restrictions.RestrictionList;
import dev.postern.restrictions.SmtpState;
import dev.postern.restrictions.Verdict;
import dev.postern.tables.LookupException;

/**
 * The last word on every accepted RCPT: a recipient is kept only if Postern's restrictions
 * vetted it and found it covered, by an explicit permit of the relay or recipient
 * restrictions ({@link #cover}); a recipient they never saw is judged here by the relay and
 * recipient lists alone.
 * In James, a hook that answers OK makes the hooks after it skip, so a site-policy hook listed
 * before Postern's (or one that misbehaves) could otherwise accept any recipient and turn the
 * server into an open relay. An uncovered recipient is taken back out of the transaction and
 * answered {@code 554 5.7.1 <r>: Relay access denied}. Registered before every other result
 * handler, so the log line and command counts see the final reply.
 */
public class RelayGuard implements ProtocolHandlerResultHandler<Response, ProtocolSession> {
    private static final Logger LOGGER = LoggerFactory.getLogger(RelayGuard.class);
    private static final ProtocolSession.AttachmentKey<CoveredRecipients> COVERED =
        ProtocolSession.AttachmentKey.of("dev.postern.coveredRecipients", CoveredRecipients.class);

    private final DomainList domainList;
    private final UsersRepository users;
    private final HookEnvironment environment;
    private PerListener<SmtpdPolicy> policies;

    @Inject
    public RelayGuard(DomainList domainList, UsersRepository users, HookEnvironment environment) {
        this.domainList = domainList;
        this.users = users;
        this.environment = environment;
    }

    @Override
    public void init(Configuration config) throws ConfigurationException {
        policies = environment.policies(config, this, domainList, users);
    }

    /** Recipients of the current transaction that the restrictions vetted and found covered. */
    static final class CoveredRecipients {
        private final List<MailAddress> recipients = new ArrayList<>();

        synchronized void add(MailAddress recipient) {
            recipients.add(recipient);
        }

        synchronized boolean contains(MailAddress recipient) {
            return recipients.contains(recipient);
        }
    }

    /** Called by the restrictions for a recipient they accept and that needs no further relay permission. */
    static void cover(SMTPSession session, MailAddress recipient) {
        CoveredRecipients covered = session.getAttachment(COVERED, State.Transaction).orElseGet(() -> {
            CoveredRecipients fresh = new CoveredRecipients();
            session.setAttachment(COVERED, fresh, State.Transaction);
            return fresh;
        });
        covered.add(recipient);
    }

    @Override
    public Response onResponse(ProtocolSession session, Response response, long executionTime, ProtocolHandler handler) {
        if (!(handler instanceof RcptCmdHandler) || !response.getRetCode().startsWith("2")) {
            return response;
        }
        List<MailAddress> recipients = session.getAttachment(SMTPSession.RCPT_LIST, State.Transaction).orElse(List.of());
        if (recipients.isEmpty()) {
            return response;
        }
        MailAddress last = recipients.get(recipients.size() - 1);
        boolean covered = session.getAttachment(COVERED, State.Transaction).map(c -> c.contains(last)).orElse(false);
        if (covered || isCoveredNow(session, last, recipients.size() - 1)) {
            return response;
        }
        recipients.remove(recipients.size() - 1);
        return FixedReply.RELAY_ACCESS_DENIED.response(last.asString());
    }

    /**
     * A recipient the restrictions never saw (a hook before them answered OK) still needs relay
     * permission: the relay and recipient lists are asked for it here, and a destination that
     * needs none (a local mailbox, relay_domains) passes.
     */
    private boolean isCoveredNow(ProtocolSession session, MailAddress recipient, int othersAccepted) {
        if (!(session instanceof SMTPSession smtp)) {
            return false;
        }
        SmtpdPolicy policy = policies.of(session);
        MaybeSender sender = smtp.getAttachment(SMTPSession.SENDER, State.Transaction).orElse(MaybeSender.nullSender());
        try {
            ResolvedAddress resolved = policy.resolveRecipient(smtp, recipient);
            if (resolved.isError()) {
                return false;
            }
            SmtpState state = SmtpdPolicy.state(smtp, policy.resolveSender(smtp, sender), resolved, othersAccepted);
            Verdict verdict = RestrictionList.evaluateAll(state, policy.relayLists());
            return verdict.isAccepted() && policy.covers(verdict, resolved);
        } catch (LookupException e) {
            LOGGER.warn("relay guard: cannot judge {}: {}", recipient.asString(), e.getMessage());
            return false;
        }
    }
}
