package dev.postern.smtpd;

import java.io.IOException;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

import javax.inject.Inject;

import org.apache.commons.configuration2.Configuration;
import org.apache.commons.configuration2.ex.ConfigurationException;
import org.apache.james.core.MailAddress;
import org.apache.james.core.MaybeSender;
import org.apache.james.domainlist.api.DomainList;
import org.apache.james.protocols.smtp.SMTPSession;
import org.apache.james.protocols.smtp.hook.HookResult;
import org.apache.james.protocols.smtp.hook.HookReturnCode;
import org.apache.james.protocols.smtp.hook.RcptHook;
import org.apache.james.user.api.UsersRepository;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.postern.address.LocalMailboxes;
import dev.postern.address.ResolvedAddress;
import dev.postern.config.ComponentParameters;
import dev.postern.config.ParameterType;
import dev.postern.restrictions.UnlistedRecipients;
import dev.postern.tables.LookupException;

/**
 * Postfix's implicit {@code reject_unlisted_recipient} ({@code smtpd_reject_unlisted_recipient})
 * and {@code smtpd_reject_unlisted_sender}, by the rules of {@link UnlistedRecipients}: an
 * address the canonical or virtual alias maps list is known; otherwise a recipient of a
 * {@code mydestination} domain must be a user of {@code $myhostname} (the local namespace:
 * {@code bob@localhost} is the user {@code bob@$myhostname}; {@code postmaster} always exists),
 * a recipient of another DomainList domain (added through WebAdmin) must be that very user
 * ({@code postmaster} is accepted there too: it reaches the local postmaster), a recipient of a
 * {@code virtual_alias_domains} domain must have a {@code virtual_alias_maps} entry, and one of
 * a {@code relay_domains} domain must be in {@code relay_recipient_maps} when that is set.
 * Anything else is DECLINED, for other hooks to judge.
 *
 * <p>A known recipient gets DECLINED, never OK, so the hooks after this one still run.
 * A failed lookup defers ({@code 451 4.3.0}): it is never taken for an unknown user.
 * Local parts the mailbox cannot use ({@code /}, NUL, a leading dot, an {@code @} left
 * after unquoting) are unknown users, as local delivery would treat them.
 */
public class LocalRecipientHook implements RcptHook {
    private static final Logger LOGGER = LoggerFactory.getLogger(LocalRecipientHook.class);

    private final UsersRepository usersRepository;
    private final DomainList domainList;
    private final HookEnvironment environment;
    private PerListener<Settings> settings;

    /**
     * The check of one listener, as this hook makes it at RCPT and {@code postern explain} shows it.
     *
     * @param recipients {@code smtpd_reject_unlisted_recipient} (default yes)
     * @param senders    {@code smtpd_reject_unlisted_sender} (default no)
     */
    public record Settings(UnlistedRecipients unlisted, boolean recipients, boolean senders) {

        /** The check of a listener's parameters, with the address classes its restrictions use. */
        public static Settings of(ComponentParameters parameters, HookEnvironment environment, DomainList domainList,
                                  UsersRepository users) throws IOException {
            return new Settings(
                SmtpdPolicy.unlistedRecipients(parameters, environment,
                    SmtpdPolicy.classifier(parameters, environment, domainList), domainList, users),
                ParameterType.toBoolean("smtpd_reject_unlisted_recipient", parameters.get("smtpd_reject_unlisted_recipient")),
                ParameterType.toBoolean("smtpd_reject_unlisted_sender", parameters.get("smtpd_reject_unlisted_sender")));
        }

        /**
         * The refusal of an unknown sender ({@code smtpd_reject_unlisted_sender}) or recipient, as
         * {@code 550 D.S.N text}; empty when both are known or not checked.
         *
         * @throws LookupException when a table or the users cannot be asked (the hook then defers)
         */
        public Optional<String> refusal(MaybeSender sender, MailAddress rcpt) throws LookupException {
            if (senders && !sender.isNullSender()) {
                Optional<String> table = unlisted.missingFrom(internal(sender.get()), true);
                if (table.isPresent()) {
                    return Optional.of(unknown("5.1.0", sender.get(), "Sender address rejected", table.get()));
                }
            }
            if (!recipients) {
                return Optional.empty();
            }
            return unlisted.missingFrom(internal(rcpt), false)
                .map(table -> unknown("5.1.1", rcpt, "Recipient address rejected", table));
        }
    }

    @Inject
    public LocalRecipientHook(UsersRepository usersRepository, DomainList domainList, HookEnvironment environment) {
        this.usersRepository = usersRepository;
        this.domainList = domainList;
        this.environment = environment;
    }

    @Override
    public void init(Configuration config) throws ConfigurationException {
        settings = environment.perListener(config, this,
            parameters -> Settings.of(parameters, environment, domainList, usersRepository));
    }

    @Override
    public HookResult doRcpt(SMTPSession session, MaybeSender sender, MailAddress rcpt) {
        try {
            return settings.of(session).refusal(sender, rcpt).map(LocalRecipientHook::refused).orElse(HookResult.DECLINED);
        } catch (LookupException e) {
            LOGGER.warn("recipient lookup failed for {}: {}", rcpt.asString(), e.getMessage());
            return FixedReply.TEMPORARY_LOOKUP_FAILURE.hookResult(rcpt.asString());
        }
    }

    /** The internal form tables are searched with: the local part unquoted, the domain lower-case. */
    private static ResolvedAddress internal(MailAddress address) {
        String internal = LocalMailboxes.unquoted(address.getLocalPart()) + "@"
            + address.getDomain().asString().toLowerCase(Locale.ROOT);
        return new ResolvedAddress(address.asString(), internal, Set.of(), "");
    }

    /** {@code 550 D.S.N <address>: what: User unknown in table}. */
    private static String unknown(String dsn, MailAddress address, String what, String table) {
        return "550 " + dsn + " <" + address.asString() + ">: " + what + ": User unknown in " + table;
    }

    private static HookResult refused(String line) {
        return HookResult.builder()
            .hookReturnCode(HookReturnCode.deny())
            .smtpReturnCode(line.substring(0, 3))
            .smtpDescription(line.substring(4))
            .build();
    }
}
