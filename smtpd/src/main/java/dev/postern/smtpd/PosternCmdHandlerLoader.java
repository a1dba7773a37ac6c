package dev.postern.smtpd;

import java.util.List;
import java.util.stream.Stream;

import org.apache.james.protocols.lib.handler.HandlersPackage;
import org.apache.james.protocols.smtp.core.ReceivedDataLineFilter;
import org.apache.james.protocols.smtp.core.esmtp.AuthCmdHandler;
import org.apache.james.protocols.smtp.core.esmtp.MailSizeEsmtpExtension;
import org.apache.james.smtpserver.AuthRequiredToRelayRcptHook;
import org.apache.james.smtpserver.CoreCmdHandlerLoader;
import org.apache.james.smtpserver.JamesDataCmdHandler;
import org.apache.james.smtpserver.JamesMailCmdHandler;
import org.apache.james.smtpserver.JamesRcptCmdHandler;
import org.apache.james.smtpserver.JamesWelcomeMessageHandler;
import org.apache.james.smtpserver.SendMailHandler;
import org.apache.james.smtpserver.dsn.DSNEhloHook;
import org.apache.james.smtpserver.dsn.DSNMessageHook;

/**
 * James's core SMTP handlers with Postern's in place of some of James's, each at the
 * position of the one it replaces: {@link SmtpdRestrictionsHook} (with the
 * {@link QueueMinfreeHook} guard of MAIL FROM, {@link RecipientLimitHook} before it and
 * {@link LocalRecipientHook}'s check of local and virtual mailbox users after it) for
 * {@code AuthRequiredToRelayRcptHook}, {@link BareCarriageReturnFilter} and {@link PostfixReceivedHeader}
 * for James's Received header followed by {@link CleanupHeaderLimits} (the header limits, applied as
 * each line streams in), {@link EndOfDataRestrictionsHook}, {@link HeaderBodyChecksHook} and
 * {@link QueueingMessageHook} for {@code SendMailHandler}, {@link PosternWelcomeMessageHandler}
 * for James's greeting, {@link DataRestrictionsHandler} just before James's DATA handler,
 * {@link PosternAuthCmdHandler} for James's AUTH handler, {@link PostfixMessageSizeLimit} for James's SIZE extension.
 * {@link PosternMailCmdHandler} and {@link PosternRcptCmdHandler} for James's MAIL and RCPT handlers (James's
 * address built from the one reading of the path).
 * Added first: {@link CommandArguments} (the one reading of each MAIL and RCPT path), {@link RelayGuard} (the last word
 * on each accepted RCPT, so it must see the
 * reply before anyone logs or counts it), the {@link SmtpdLogger} mail log lines,
 * {@link ClientInputMetering}, {@link SmtpdTimeout} (smtpd_timeout's 421 in place of James's silent idle close),
 * {@link CommandPrechecks} (the first handler of every command),
 * {@link HeloNameCheck} (ahead of James's HELO and EHLO handlers, which store the name before any hook runs),
 * {@link GracefulShutdownHandler}, {@link PostfixReplyText} (Postfix's wording of routine
 * replies), {@link AnvilLimits} and {@link TlsRequiredHook}, then ESMTP DSN: James's {@code DSNEhloHook}
 * (the EHLO keyword), {@link DsnMailParameters} and {@link DsnRecipientParameters} (RET, ENVID, NOTIFY,
 * ORCPT), with James's {@code DSNMessageHook} ahead of the end-of-data hooks; {@link QueueIdAssigner} with
 * the restrictions. Named as the {@code coreHandlersPackage} of each handler chain in smtpserver.xml.
 */
public class PosternCmdHandlerLoader implements HandlersPackage {
    private final List<String> handlers = Stream.concat(
            // first, so that they see every MAIL and RCPT before any hook can refuse it
            Stream.of(CommandArguments.class.getName(), RelayGuard.class.getName(), SmtpdLogger.class.getName(),
                ClientInputMetering.class.getName(), SmtpdTimeout.class.getName(), CommandPrechecks.class.getName(),
                HeloNameCheck.class.getName(),
                GracefulShutdownHandler.class.getName(),
                PostfixReplyText.class.getName(),
                AnvilLimits.class.getName(), TlsRequiredHook.class.getName(),
                // DSN (RFC 3461): the parameter hooks before every RCPT hook that may accept, as the first
                // hook to accept a recipient ends the chain and the parameters would be lost
                DSNEhloHook.class.getName(), DsnMailParameters.class.getName(), DsnRecipientParameters.class.getName()),
            new CoreCmdHandlerLoader().getHandlers().stream().flatMap(PosternCmdHandlerLoader::replace))
        .toList();

    @Override
    public List<String> getHandlers() {
        return handlers;
    }

    private static Stream<String> replace(String handler) {
        if (handler.equals(AuthRequiredToRelayRcptHook.class.getName())) {
            return Stream.of(QueueMinfreeHook.class.getName(), RecipientLimitHook.class.getName(), SmtpdRestrictionsHook.class.getName(),
                LocalRecipientHook.class.getName(), QueueIdAssigner.class.getName());
        }
        if (handler.equals(JamesMailCmdHandler.class.getName())) {
            return Stream.of(PosternMailCmdHandler.class.getName());
        }
        if (handler.equals(JamesRcptCmdHandler.class.getName())) {
            return Stream.of(PosternRcptCmdHandler.class.getName());
        }
        if (handler.equals(JamesWelcomeMessageHandler.class.getName())) {
            return Stream.of(PosternWelcomeMessageHandler.class.getName());
        }
        if (handler.equals(JamesDataCmdHandler.class.getName())) {
            // registered first for DATA, so the data restrictions answer before James's 354
            return Stream.of(DataRestrictionsHandler.class.getName(), handler);
        }
        if (handler.equals(AuthCmdHandler.class.getName())) {
            return Stream.of(PosternAuthCmdHandler.class.getName());
        }
        if (handler.equals(MailSizeEsmtpExtension.class.getName())) {
            return Stream.of(PostfixMessageSizeLimit.class.getName());
        }
        if (handler.equals(ReceivedDataLineFilter.class.getName())) {
            // the header limits see the lines after the Received: header is added, so it counts as a hop
            return Stream.of(BareCarriageReturnFilter.class.getName(), PostfixReceivedHeader.class.getName(),
                CleanupHeaderLimits.class.getName());
        }
        if (handler.equals(SendMailHandler.class.getName())) {
            // the checks decide before the message is queued, so that a REJECT is the reply to DATA;
            // end-of-data restrictions first, as Postfix's smtpd answers before cleanup's verdict
            // DSNMessageHook first: it moves the DSN parameters from the session onto the mail that is queued
            return Stream.of(DSNMessageHook.class.getName(), EndOfDataRestrictionsHook.class.getName(),
                HeaderBodyChecksHook.class.getName(), QueueingMessageHook.class.getName());
        }
        return Stream.of(handler);
    }
}
