package dev.postern.smtpd;

import java.util.List;
import java.util.Optional;

import org.apache.commons.configuration2.Configuration;
import org.apache.commons.configuration2.ex.ConfigurationException;
import org.apache.james.core.MailAddress;
import org.apache.james.core.MaybeSender;
import org.apache.james.domainlist.api.DomainList;
import org.apache.james.protocols.api.handler.ProtocolHandler;
import org.apache.james.protocols.smtp.SMTPSession;
import org.apache.james.protocols.smtp.hook.HookResult;
import org.apache.james.user.api.UsersRepository;

import dev.postern.address.AddressResolver;
import dev.postern.restrictions.Reply;
import dev.postern.restrictions.RestrictionList;
import dev.postern.restrictions.SmtpState;
import dev.postern.restrictions.Stage;
import dev.postern.restrictions.Verdict;
import dev.postern.tables.LookupException;

/**
 * {@code smtpd_data_restrictions} at DATA and {@code smtpd_end_of_data_restrictions} after the
 * final dot, as Postfix's {@code smtpd_check_data} and {@code smtpd_check_eod}: the lists see the
 * client, HELO, sender and, only when there is exactly one, the recipient (Postfix names none
 * for several, since the verdict concerns them all); {@code reject_multi_recipient_bounce} sees
 * the number of recipients; a {@code defer_if_permit} of an earlier command does not carry over.
 * A rejection is logged as {@code QID: reject: DATA from NAME[IP]: ...} (or
 * {@code END-OF-MESSAGE}); the queue ID exists by then, since the first recipient was accepted.
 */
final class MessageStageRestrictions {
    private final PerListener<SmtpdPolicy> policies;
    private final VerdictLog verdictLog;

    private MessageStageRestrictions(PerListener<SmtpdPolicy> policies, VerdictLog verdictLog) {
        this.policies = policies;
        this.verdictLog = verdictLog;
    }

    static MessageStageRestrictions create(Configuration config, ProtocolHandler handler, HookEnvironment environment,
            DomainList domainList, UsersRepository users) throws ConfigurationException {
        return new MessageStageRestrictions(
            environment.policies(config, handler, domainList, users),
            new VerdictLog(environment.smtpdLog(config, handler)));
    }

    /**
     * @param stage      {@link Stage#DATA} or {@link Stage#END_OF_DATA}
     * @param recipients the accepted recipients
     * @return the refusal, when the list rejects or defers, or a result cannot be carried out
     */
    Optional<HookResult> check(SMTPSession session, Stage stage, MaybeSender sender, List<MailAddress> recipients) {
        SmtpdPolicy policy = policies.of(session);
        RestrictionList list = stage == Stage.DATA ? policy.data() : policy.endOfData();
        if (list.isEmpty()) {
            return Optional.empty();
        }
        String name = stage == Stage.DATA ? "DATA" : "END-OF-MESSAGE";
        String to = recipients.size() == 1 ? recipients.get(0).asString() : null;
        VerdictLog.Context context = VerdictLog.context(session, name);
        context = new VerdictLog.Context(name, sender.asString(""), to, context.helo());
        SmtpState state;
        try {
            state = state(session, policy.resolver(), sender, to).withStage(stage).withRecipientCount(recipients.size());
        } catch (LookupException e) {
            Reply failure = FixedReply.TEMPORARY_LOOKUP_FAILURE.reply(name);
            verdictLog.reject(session, context, failure);
            return Optional.of(SmtpdRestrictionsHook.reply(failure));
        }
        Verdict verdict = RestrictionList.evaluateAll(state, List.of(list));
        verdictLog.sideEffects(session, context, verdict);
        if (verdict.reply() != null) {
            verdictLog.reject(session, context, verdict);
            return Optional.of(SmtpdRestrictionsHook.reply(verdict.reply()));
        }
        return SmtpdRestrictionsHook.carryOut(session, verdict, context, "<" + name + ">: " + stage.replyClass(), verdictLog);
    }

    private static SmtpState state(SMTPSession session, AddressResolver resolver, MaybeSender sender, String to)
            throws LookupException {
        SmtpState state = SmtpdPolicy.sessionState(session).withSender(resolver.resolveSender("<" + sender.asString("") + ">"));
        return to == null ? state : state.withRecipient(resolver.resolveRecipient("<" + to + ">"));
    }
}
