package dev.postern.smtpd;

import java.util.List;
import java.util.Optional;
import java.util.Set;

import javax.inject.Inject;

import org.apache.commons.configuration2.Configuration;
import org.apache.commons.configuration2.ex.ConfigurationException;
import org.apache.james.core.MailAddress;
import org.apache.james.core.MaybeSender;
import org.apache.james.domainlist.api.DomainList;
import org.apache.james.protocols.api.ProtocolSession.State;
import org.apache.james.protocols.smtp.SMTPSession;
import org.apache.james.protocols.smtp.hook.HookResult;
import org.apache.james.protocols.smtp.hook.HookReturnCode;
import org.apache.james.protocols.smtp.hook.HeloHook;
import org.apache.james.protocols.smtp.hook.MailHook;
import org.apache.james.protocols.smtp.hook.RcptHook;
import org.apache.james.user.api.UsersRepository;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.postern.address.ResolvedAddress;
import dev.postern.restrictions.Reply;
import dev.postern.restrictions.RestrictionList;
import dev.postern.restrictions.SmtpState;
import dev.postern.restrictions.Stage;
import dev.postern.restrictions.Verdict;
import dev.postern.tables.LookupException;

/**
 * Postfix's restriction lists in the SMTP dialogue, replacing James's relay check. With
 * {@code smtpd_delay_reject = yes} (the default) every RCPT runs {@code smtpd_client_restrictions},
 * {@code smtpd_helo_restrictions}, {@code smtpd_sender_restrictions}, then
 * {@code smtpd_relay_restrictions} (by default {@code permit_mynetworks,
 * permit_sasl_authenticated, defer_unauth_destination}) and {@code smtpd_recipient_restrictions}.
 * With {@code smtpd_delay_reject = no} the HELO list runs at HELO/EHLO and the sender list at
 * MAIL FROM (the client list at connect, in {@link PosternWelcomeMessageHandler}), each refusing
 * its own command, and RCPT runs the relay and recipient lists only. The sender and recipient
 * are resolved by Postern's address resolver, so routed addresses ({@code user%victim@here}) are
 * judged as Postfix judges them. A permitted command gets DECLINED, never OK, so the hooks
 * after this one (local recipient check) still run.
 *
 * <p>Results that act on the message are recorded on the transaction with smtpd's log lines
 * ({@link MessageActions}): HOLD and DISCARD (hold repository, dropped), FILTER (the last one
 * wins; the queue manager routes every recipient to that {@code transport:destination}),
 * REDIRECT and BCC (carried out by the AccessActions mailet), PREPEND (written above the
 * Received: header, RCPT lists only).
 */
public class SmtpdRestrictionsHook implements HeloHook, MailHook, RcptHook {
    private static final Logger LOGGER = LoggerFactory.getLogger(SmtpdRestrictionsHook.class);
    /** PREPEND outside RCPT could come after the headers are written. */
    static final Set<Verdict.Type> NOT_CARRIED_OUT = Set.of(Verdict.Type.PREPEND);

    private final DomainList domainList;
    private final UsersRepository users;
    private final HookEnvironment environment;
    private PerListener<SmtpdPolicy> policies;
    private SmtpdLog log;
    private VerdictLog verdictLog;

    @Inject
    public SmtpdRestrictionsHook(DomainList domainList, UsersRepository users, HookEnvironment environment) {
        this.domainList = domainList;
        this.users = users;
        this.environment = environment;
    }

    @Override
    public void init(Configuration config) throws ConfigurationException {
        policies = environment.policies(config, this, domainList, users);
        log = environment.smtpdLog(config, this);
        verdictLog = new VerdictLog(log);
    }

    /** {@code smtpd_delay_reject = no}: the HELO list at HELO or EHLO. */
    @Override
    public HookResult doHelo(SMTPSession session, String helo) {
        SmtpdPolicy policy = policies.of(session);
        if (policy.delayReject()) {
            return HookResult.DECLINED;
        }
        SmtpState state = SmtpdPolicy.sessionState(session).withHelo(helo);
        Verdict verdict = RestrictionList.evaluateEarly(state, List.of(policy.heloList()), EarlyDeferrals.forHelo(session));
        VerdictLog.Context context = new VerdictLog.Context(CommandPrechecks.command(session), null, null, helo);
        verdictLog.sideEffects(session, context, verdict);
        if (verdict.reply() != null) {
            verdictLog.reject(session, context, verdict);
            return reply(verdict.reply());
        }
        EarlyDeferrals.afterHelo(session, verdict.pendingDeferral());
        return HookResult.DECLINED;
    }

    /** {@code smtpd_delay_reject = no}: the sender list at MAIL FROM (its reject line is SmtpdLogger's). */
    @Override
    public HookResult doMail(SMTPSession session, MaybeSender sender) {
        SmtpdPolicy policy = policies.of(session);
        if (policy.delayReject()) {
            return HookResult.DECLINED;
        }
        SmtpState state;
        try {
            state = SmtpdPolicy.sessionState(session)
                .withSender(policy.resolveSender(session, sender));
        } catch (LookupException e) {
            LOGGER.warn("restrictions for {}: {}", sender.asString(""), e.getMessage());
            return FixedReply.TEMPORARY_LOOKUP_FAILURE.hookResult(sender.asString(""));
        }
        Verdict verdict = RestrictionList.evaluateEarly(state, List.of(policy.senderList()), EarlyDeferrals.forSender(session));
        VerdictLog.Context context = new VerdictLog.Context("MAIL", sender.asString(""), null, state.helo());
        verdictLog.sideEffects(session, context, verdict);
        if (verdict.reply() != null) {
            RejectedBy.decided(session, verdict.rejectClass());
            return reply(verdict.reply());
        }
        Optional<HookResult> refused = carryOut(session, verdict, context, "<" + sender.asString("") + ">: Sender address");
        if (refused.isPresent()) {
            return refused.get();
        }
        EarlyDeferrals.afterSender(session, verdict.pendingDeferral());
        return HookResult.DECLINED;
    }

    @Override
    public HookResult doRcpt(SMTPSession session, MaybeSender sender, MailAddress rcpt) {
        SmtpdPolicy policy = policies.of(session);
        SmtpState state;
        try {
            ResolvedAddress recipient = policy.resolveRecipient(session, rcpt);
            if (recipient.isError()) {
                return FixedReply.BAD_RECIPIENT_SYNTAX.hookResult();
            }
            state = SmtpdPolicy.state(session, policy.resolveSender(session, sender), recipient,
                session.getAttachment(SMTPSession.RCPT_LIST, State.Transaction).map(List::size).orElse(0));
        } catch (LookupException e) {
            LOGGER.warn("restrictions for {}: {}", rcpt.asString(), e.getMessage());
            return FixedReply.TEMPORARY_LOOKUP_FAILURE.hookResult(rcpt.asString());
        }
        Verdict verdict = RestrictionList.evaluateAll(state, policy.rcptLists(),
            policy.delayReject() ? null : EarlyDeferrals.forRecipient(session));
        verdictLog.policyAnswers(session, verdict);
        verdict.actions().stream().filter(action -> action.type() == Verdict.Type.WARNING)
            .forEach(action -> log.log(session, "warning: " + action.text()));
        verdict.warnings().forEach(line -> log(session, sender, rcpt, "reject_warning", line));
        verdict.actions().stream()
            .filter(action -> action.type() == Verdict.Type.WARN || action.type() == Verdict.Type.INFO)
            .forEach(action -> log(session, sender, rcpt, action.type().name().toLowerCase(), action.text()));
        if (verdict.reply() != null) {
            // SmtpdLogger writes the reject line once the reply is sent: it counts it under this class
            RejectedBy.decided(session, verdict.rejectClass());
            return reply(verdict.reply());
        }
        for (Verdict.Action action : verdict.actions()) {
            carryOut(session, sender, rcpt, action);
        }
        if (policy.covers(verdict, state.recipient())) {
            RelayGuard.cover(session, rcpt);
        }
        return HookResult.DECLINED;
    }

    /**
     * The message actions of a verdict outside RCPT (sender list at MAIL FROM, DATA and
     * end-of-data lists): HOLD, DISCARD, FILTER, REDIRECT and BCC mark the transaction and are
     * logged with Postfix's {@code <NAME>: CLASS triggers HOLD action} and the like; PREPEND,
     * which cannot be carried out there, refuses the command.
     *
     * @param subject {@code <NAME>: CLASS}, e.g. {@code <DATA>: Data command}
     * @return the refusal, if an action cannot be carried out
     */
    static Optional<HookResult> carryOut(SMTPSession session, Verdict verdict, VerdictLog.Context context, String subject,
            VerdictLog verdictLog) {
        Optional<Verdict.Action> unsupported = verdict.actions().stream()
            .filter(action -> NOT_CARRIED_OUT.contains(action.type())).findFirst();
        if (unsupported.isPresent()) {
            verdictLog.write(session, context, "warning", unsupported.get().type() + " " + unsupported.get().text()
                + " is not supported yet");
            return Optional.of(FixedReply.SERVER_CONFIGURATION_ERROR.hookResult());
        }
        for (Verdict.Action action : verdict.actions()) {
            MessageActions.record(session, action, subject)
                .ifPresent(logged -> verdictLog.write(session, context, logged));
        }
        return Optional.empty();
    }

    private Optional<HookResult> carryOut(SMTPSession session, Verdict verdict, VerdictLog.Context context, String subject) {
        return carryOut(session, verdict, context, subject, verdictLog);
    }

    /** Records a result of the RCPT lists that acts on the message, with smtpd's log line; the pipeline carries it out. */
    private void carryOut(SMTPSession session, MaybeSender sender, MailAddress rcpt, Verdict.Action action) {
        if (action.type() == Verdict.Type.PREPEND) {
            SessionDecisions.prepend(session, action.text());
            return;
        }
        // WARN, INFO, WARNING and reject_warning are logged above; they record nothing.
        MessageActions.record(session, action, "<" + rcpt.asString() + ">: " + Stage.RECIPIENT.replyClass())
            .ifPresent(logged -> log.log(session, line(session, sender, rcpt, logged.action(), logged.text()), logged.event()));
    }

    private void log(SMTPSession session, MaybeSender sender, MailAddress rcpt, String action, String text) {
        log.log(session, line(session, sender, rcpt, action, text));
    }

    private static String line(SMTPSession session, MaybeSender sender, MailAddress rcpt, String action, String text) {
        return SessionQueueId.get(session).orElse("NOQUEUE") + ": " + action + ": RCPT from "
            + ClientIdentity.of(session) + ": " + text + "; from=<" + sender.asString("") + "> to=<" + rcpt.asString()
            + "> proto=" + SmtpdLogger.protocol(session) + " helo=<" + SmtpdLogger.helo(session) + ">";
    }

    static HookResult reply(Reply reply) {
        return reply(reply.isPermanent() ? HookReturnCode.deny() : HookReturnCode.denySoft(),
            Integer.toString(reply.code()), reply.dsn() + " " + reply.text());
    }

    private static HookResult reply(HookReturnCode code, String smtpCode, String description) {
        return HookResult.builder().hookReturnCode(code).smtpReturnCode(smtpCode).smtpDescription(description).build();
    }
}
