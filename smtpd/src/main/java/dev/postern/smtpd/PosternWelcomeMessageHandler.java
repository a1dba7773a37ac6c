package dev.postern.smtpd;

import java.util.List;

import javax.inject.Inject;

import org.apache.commons.configuration2.Configuration;
import org.apache.commons.configuration2.ex.ConfigurationException;
import org.apache.james.domainlist.api.DomainList;
import org.apache.james.protocols.api.Response;
import org.apache.james.protocols.smtp.SMTPResponse;
import org.apache.james.protocols.smtp.SMTPSession;
import org.apache.james.smtpserver.JamesWelcomeMessageHandler;
import org.apache.james.user.api.UsersRepository;

import dev.postern.restrictions.Reply;
import dev.postern.restrictions.RestrictionList;
import dev.postern.restrictions.Verdict;

/**
 * The greeting, or with {@code smtpd_delay_reject = no} what Postfix sends instead when
 * {@code smtpd_client_restrictions} refuse the client at connect: the rejection itself (e.g.
 * {@code 554 5.7.1 <NAME[IP]>: Client host rejected: Access denied}), logged as
 * {@code NOQUEUE: reject: CONNECT from NAME[IP]: ...}. The connection stays open, and every
 * command but QUIT is then answered {@code 503 5.7.0 Error: access denied for NAME[IP]}
 * ({@link CommandPrechecks}); a 421 or 521 rejection closes it, as Postfix hangs up after one.
 */
public class PosternWelcomeMessageHandler extends JamesWelcomeMessageHandler {
    private final DomainList domainList;
    private final UsersRepository users;
    private final HookEnvironment environment;
    private PerListener<SmtpdPolicy> policies;
    private VerdictLog verdictLog;

    @Inject
    public PosternWelcomeMessageHandler(DomainList domainList, UsersRepository users, HookEnvironment environment) {
        this.domainList = domainList;
        this.users = users;
        this.environment = environment;
    }

    @Override
    public void init(Configuration config) throws ConfigurationException {
        policies = environment.policies(config, this, domainList, users);
        verdictLog = new VerdictLog(environment.smtpdLog(config, this));
    }

    @Override
    public Response onConnect(SMTPSession session) {
        SmtpdPolicy policy = policies.of(session);
        if (policy.delayReject() || policy.clientList().isEmpty()) {
            return super.onConnect(session);
        }
        Verdict verdict = RestrictionList.evaluateEarly(SmtpdPolicy.sessionState(session), List.of(policy.clientList()), null);
        VerdictLog.Context context = new VerdictLog.Context("CONNECT", null, null, null);
        verdictLog.sideEffects(session, context, verdict);
        if (verdict.reply() == null) {
            EarlyDeferrals.afterClient(session, verdict.pendingDeferral());
            return super.onConnect(session);
        }
        Reply reply = verdict.reply();
        verdictLog.reject(session, context, verdict);
        CommandPrechecks.denyAccess(session, reply.line());
        SMTPResponse response = new SMTPResponse(Integer.toString(reply.code()), reply.dsn() + " " + reply.text());
        response.setEndSession(reply.code() == 421 || reply.code() == 521);
        return response;
    }
}
