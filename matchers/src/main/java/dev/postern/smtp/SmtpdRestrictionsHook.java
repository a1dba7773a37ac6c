package dev.postern.smtp;

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
import org.apache.james.user.api.UsersRepository;
import org.apache.james.protocols.smtp.hook.HookResult;
import org.apache.james.protocols.smtp.hook.HookReturnCode;
import org.apache.james.protocols.smtp.hook.RcptHook;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.postern.address.AddressResolver;
import dev.postern.address.ResolvedAddress;
import dev.postern.restrictions.RestrictionList;
import dev.postern.restrictions.SmtpState;
import dev.postern.restrictions.Verdict;
import dev.postern.tables.LookupException;

/**
 * Postfix's restriction lists at RCPT TO, replacing James's relay check: with
 * {@code smtpd_delay_reject = yes} every RCPT runs {@code smtpd_client_restrictions},
 * {@code smtpd_helo_restrictions}, {@code smtpd_sender_restrictions}, then
 * {@code smtpd_relay_restrictions} (by default {@code permit_mynetworks,
 * permit_sasl_authenticated, defer_unauth_destination}) and {@code smtpd_recipient_restrictions}.
 * The sender and recipient are resolved by Postern's address resolver, so routed addresses
 * ({@code user%victim@here}) are judged as Postfix judges them. A permitted recipient gets
 * DECLINED, never OK, so the hooks after this one (local recipient check) still run.
 *
 * <p>HOLD and DISCARD results accept the recipient and mark the transaction, so that the
 * queued mail goes to the hold repository or is dropped ({@code hold:} and {@code discard:}
 * log lines, as Postfix's smtpd writes them). The other results that act on the message
 * (FILTER, REDIRECT, BCC, PREPEND) are not carried out yet: such a recipient gets
 * {@code 451 4.3.5 Server configuration error} and the mail log says why, rather than the
 * mail being accepted and handled otherwise than the table says.
 */
public class SmtpdRestrictionsHook implements RcptHook {
    private static final Logger LOGGER = LoggerFactory.getLogger(SmtpdRestrictionsHook.class);
    private static final Set<Verdict.Type> NOT_CARRIED_OUT = Set.of(Verdict.Type.FILTER);

    private final DomainList domainList;
    private final UsersRepository users;
    private final HookEnvironment environment;
    private PerListener<SmtpdPolicy> policies;
    private SmtpdLog log;

    @Inject
    public SmtpdRestrictionsHook(DomainList domainList, UsersRepository users, HookEnvironment environment) {
        this.domainList = domainList;
        this.users = users;
        this.environment = environment;
    }

    @Override
    public void init(Configuration config) throws ConfigurationException {
        policies = environment.perListener(config, this, parameters -> SmtpdPolicy.of(parameters, environment, domainList, users));
        log = environment.smtpdLog(config, this);
    }

    @Override
    public HookResult doRcpt(SMTPSession session, MaybeSender sender, MailAddress rcpt) {
        SmtpdPolicy policy = policies.of(session);
        AddressResolver resolver = policy.resolver();
        SmtpState state;
        try {
            // The addresses as written: James's parsed form drops the brackets of address literals.
            ResolvedAddress recipient = resolver.resolveRecipient("<" + CommandArguments.recipient(session)
                .orElse(rcpt.asString()) + ">");
            if (recipient.isError()) {
                return reply(HookReturnCode.deny(), "501", "5.1.3 Bad recipient address syntax");
            }
            state = SmtpdPolicy.state(session, resolver.resolveSender("<" + CommandArguments.sender(session)
                .orElse(sender.asString("")) + ">"), recipient,
                session.getAttachment(SMTPSession.RCPT_LIST, State.Transaction).map(List::size).orElse(0));
        } catch (LookupException e) {
            LOGGER.warn("restrictions for {}: {}", rcpt.asString(), e.getMessage());
            return reply(HookReturnCode.denySoft(), "451", "4.3.0 <" + rcpt.asString() + ">: Temporary lookup failure");
        }
        Verdict verdict = RestrictionList.evaluateAll(state, policy.lists());
        verdict.actions().stream().filter(action -> action.type() == Verdict.Type.WARNING)
            .forEach(action -> log.log(session, "warning: " + action.text()));
        verdict.warnings().forEach(line -> log(session, sender, rcpt, "reject_warning", line));
        verdict.actions().stream()
            .filter(action -> action.type() == Verdict.Type.WARN || action.type() == Verdict.Type.INFO)
            .forEach(action -> log(session, sender, rcpt, action.type().name().toLowerCase(), action.text()));
        if (verdict.reply() != null) {
            String line = verdict.reply().line();
            return reply(verdict.result() == Verdict.Result.REJECT ? HookReturnCode.deny() : HookReturnCode.denySoft(),
                line.substring(0, 3), line.substring(4));
        }
        Optional<Verdict.Action> unsupported = verdict.actions().stream()
            .filter(action -> NOT_CARRIED_OUT.contains(action.type())).findFirst();
        if (unsupported.isPresent()) {
            log(session, sender, rcpt, "warning", unsupported.get().type() + " " + unsupported.get().text()
                + " is not supported yet");
            return reply(HookReturnCode.denySoft(), "451", "4.3.5 Server configuration error");
        }
        for (Verdict.Action action : verdict.actions()) {
            carryOut(session, sender, rcpt, action);
        }
        if (policy.covers(verdict, state.recipient())) {
            RelayGuard.cover(session, rcpt);
        }
        return HookResult.DECLINED;
    }

    /** Records a result that acts on the message, with smtpd's log line; the pipeline carries it out. */
    private void carryOut(SMTPSession session, MaybeSender sender, MailAddress rcpt, Verdict.Action action) {
        String prefix = "<" + rcpt.asString() + ">: ";
        switch (action.type()) {
            case HOLD -> {
                SessionDecisions.hold(session, action.text());
                log(session, sender, rcpt, "hold", prefix + orDefault(action.text(), "Recipient address triggers HOLD action"));
            }
            case DISCARD -> {
                SessionDecisions.discard(session, action.text());
                log(session, sender, rcpt, "discard", prefix + orDefault(action.text(), "Recipient address triggers DISCARD action"));
            }
            case REDIRECT -> {
                SessionDecisions.redirect(session, action.text());
                log(session, sender, rcpt, "redirect", prefix + "Recipient address triggers REDIRECT " + action.text());
            }
            case BCC -> {
                SessionDecisions.bcc(session, action.text());
                log(session, sender, rcpt, "bcc", prefix + "Recipient address triggers BCC " + action.text());
            }
            case PREPEND -> SessionDecisions.prepend(session, action.text());
            default -> {
                // WARN, INFO and reject_warning are logged above; FILTER is refused before this.
            }
        }
    }

    private static String orDefault(String text, String fallback) {
        return text.isBlank() ? fallback : text;
    }

    private void log(SMTPSession session, MaybeSender sender, MailAddress rcpt, String action, String text) {
        log.log(session, SessionQueueId.get(session).orElse("NOQUEUE") + ": " + action + ": RCPT from "
            + ClientIdentity.of(session) + ": " + text + "; from=<" + sender.asString("") + "> to=<" + rcpt.asString()
            + "> proto=" + SmtpdLogger.protocol(session) + " helo=<" + SmtpdLogger.helo(session) + ">");
    }

    private static HookResult reply(HookReturnCode code, String smtpCode, String description) {
        return HookResult.builder().hookReturnCode(code).smtpReturnCode(smtpCode).smtpDescription(description).build();
    }
}
