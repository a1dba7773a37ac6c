package dev.postern.smtpd;

import java.util.List;

import org.apache.james.protocols.api.handler.CommandDispatcher;
import org.apache.james.protocols.api.handler.CommandHandlerResultLogger;
import org.apache.james.protocols.lib.handler.HandlersPackage;
import org.apache.james.protocols.smtp.core.ExpnCmdHandler;
import org.apache.james.protocols.smtp.core.HeloCmdHandler;
import org.apache.james.protocols.smtp.core.HelpCmdHandler;
import org.apache.james.protocols.smtp.core.NoopCmdHandler;
import org.apache.james.protocols.smtp.core.PostmasterAbuseRcptHook;
import org.apache.james.protocols.smtp.core.QuitCmdHandler;
import org.apache.james.protocols.smtp.core.RsetCmdHandler;
import org.apache.james.protocols.smtp.core.UnknownCmdHandler;
import org.apache.james.protocols.smtp.core.VrfyCmdHandler;
import org.apache.james.protocols.smtp.core.esmtp.EhloCmdHandler;
import org.apache.james.protocols.smtp.core.esmtp.StartTlsCmdHandler;
import org.apache.james.protocols.smtp.core.log.HookResultLogger;
import org.apache.james.smtpserver.AddDefaultAttributesMessageHook;
import org.apache.james.smtpserver.DataLineJamesMessageHookHandler;
import org.apache.james.smtpserver.SenderAuthIdentifyVerificationHook;
import org.apache.james.smtpserver.UsersRepositoryAuthHook;
import org.apache.james.smtpserver.dsn.DSNEhloHook;
import org.apache.james.smtpserver.dsn.DSNMessageHook;

/**
 * The handler chain of every SMTP listener, named as the {@code coreHandlersPackage} of each
 * {@code <handlerchain>} in smtpserver.xml: James's core handlers ({@code CoreCmdHandlerLoader}),
 * some of them replaced by Postern's, and Postern's own. James runs the handlers of one kind
 * (connect handlers, the hooks of one command, the result handlers, the data line filters) in
 * the order they are listed here, and the first hook with an answer ends its command's chain:
 * {@link #CHAIN} is that order, each entry with the reason it stands where it does.
 */
public class PosternCmdHandlerLoader implements HandlersPackage {
    /** A handler of the chain and why it is there, at that position. */
    record Link(Class<?> handler, String why) {
    }

    static final List<Link> CHAIN = List.of(
        // Added first, so that they see every command and every reply before any hook can answer.
        new Link(CommandArguments.class, "the one reading of each MAIL and RCPT path, before any hook judges it"),
        new Link(RelayGuard.class,
            "first result handler: its last word on an accepted RCPT is the reply the others log and count"),
        new Link(SmtpdLogger.class,
            "the connect, reject and disconnect log lines; after the relay guard, so they log the final reply"),
        new Link(ClientInputMetering.class,
            "puts the input meter in the pipeline before any input is read, for reject_unauth_pipelining"),
        new Link(DataChunking.class,
            "puts the DATA chunker in the pipeline after the input meter, which counts the bytes before it cuts them"),
        new Link(SmtpdTimeout.class, "smtpd_timeout's 421 in place of James's silent idle close, armed at connect"),
        new Link(CommandPrechecks.class,
            "the first handler of every command: improper pipelining, the 503 after a refusal at connect"),
        new Link(HeloNameCheck.class,
            "ahead of James's HELO and EHLO handlers, which store the name before any hook runs"),
        new Link(GracefulShutdownHandler.class,
            "421 to new connections and transactions while the server drains before a stop"),
        new Link(ReplyWording.class, "gives James's routine replies Postfix's wording"),
        new Link(AnvilLimits.class,
            "per-client connection and message rate limits, before the greeting and MAIL hooks"),
        new Link(TlsRequiredHook.class, "smtpd_tls_security_level = encrypt refuses MAIL before any other MAIL hook"),
        new Link(DSNEhloHook.class, "James's DSN keyword in the EHLO reply"),
        new Link(DsnMailParameters.class, "RET and ENVID, before any MAIL hook that may accept and end the chain"),
        new Link(FutureRelease.class,
            "RFC 4865 FUTURERELEASE: the EHLO keyword and HOLDFOR/HOLDUNTIL, before any MAIL hook that may accept"),
        new Link(DsnRecipientParameters.class,
            "NOTIFY and ORCPT, before any RCPT hook that may accept and end the chain"),
        // James's core handlers, in James's order, with Postern's in place of some.
        new Link(PosternWelcomeMessageHandler.class,
            "for James's greeting: the 220, or the client restrictions' refusal"),
        new Link(CommandDispatcher.class, "James: hands each command line to its command handler"),
        new Link(PosternAuthCmdHandler.class,
            "for James's AUTH: the smtpd_sasl_type server's mechanisms, smtpd_tls_auth_only, the AUTH rate limit,"
                + " Postfix's replies"),
        new Link(DataRestrictionsHandler.class,
            "registered for DATA before James's, so smtpd_data_restrictions answer before the 354"),
        new Link(MilterDataHandler.class,
            "the milters' DATA event after smtpd_data_restrictions, before James's 354, so a refusal answers DATA"),
        new Link(PosternDataCmdHandler.class, "for James's DATA: the 354, and arms the DATA chunker"),
        new Link(EhloCmdHandler.class, "James: EHLO"),
        new Link(ExpnCmdHandler.class, "James: EXPN"),
        new Link(HeloCmdHandler.class, "James: HELO"),
        new Link(HelpCmdHandler.class, "James: HELP"),
        new Link(PosternMailCmdHandler.class,
            "for James's MAIL: James's address built from the one reading of the path"),
        new Link(NoopCmdHandler.class, "James: NOOP"),
        new Link(QuitCmdHandler.class, "James: QUIT"),
        new Link(PosternRcptCmdHandler.class,
            "for James's RCPT: James's address built from the one reading of the path"),
        new Link(RsetCmdHandler.class, "James: RSET"),
        new Link(VrfyCmdHandler.class, "James: VRFY"),
        new Link(PosternMailSizeEsmtpExtension.class,
            "for James's SIZE extension: message_size_limit with Postfix's 552 replies"),
        new Link(UsersRepositoryAuthHook.class, "James: checks AUTH credentials against the users repository (smtpd_sasl_type = postern)"),
        // In place of James's AuthRequiredToRelayRcptHook: the restrictions and the checks around them.
        new Link(QueueMinfreeHook.class, "queue_minfree's 452 at MAIL, before the restrictions judge the sender"),
        new Link(RecipientLimitHook.class,
            "smtpd_recipient_limit before the restrictions, as Postfix counts before it checks"),
        new Link(SmtpdRestrictionsHook.class,
            "Postfix's restriction lists at HELO, MAIL and RCPT; permits with DECLINED so the hooks after still run"),
        new Link(LocalRecipientHook.class,
            "after the restrictions: unknown local and virtual mailbox users get 550 5.1.1"),
        new Link(QueueIdAssigner.class,
            "a result handler: the queue ID when the final reply accepts the first recipient"),
        new Link(SenderAuthIdentifyVerificationHook.class, "James: an authenticated client's sender must be its own"),
        new Link(PostmasterAbuseRcptHook.class, "James: postmaster and abuse are always accepted"),
        // In place of James's ReceivedDataLineFilter.
        new Link(BareCarriageReturnFilter.class,
            "a bare CR becomes a space before anything stores, checks or parses the data"),
        new Link(PosternReceivedDataLineFilter.class, "for James's Received: header: Postfix's shape, with the queue ID"),
        new Link(CleanupHeaderLimits.class,
            "after the Received: header, so that it counts as a hop; limits applied as lines stream in"),
        new Link(DataLineJamesMessageHookHandler.class,
            "James: gathers the data lines and runs the message hooks at the final dot"),
        new Link(StartTlsCmdHandler.class, "James: STARTTLS"),
        new Link(AddDefaultAttributesMessageHook.class, "James: the default attributes of the mail"),
        // In place of James's SendMailHandler: decide, then queue, so that a REJECT is the reply to DATA.
        new Link(DSNMessageHook.class, "James: moves the DSN parameters from the session onto the mail that is queued"),
        new Link(EndOfDataRestrictionsHook.class,
            "smtpd_end_of_data_restrictions first, as Postfix's smtpd answers before cleanup"),
        new Link(HeaderBodyChecksHook.class, "header_checks and body_checks, before the message is queued"),
        new Link(MilterHook.class, "smtpd_milters: after smtpd's own checks at each command, as in Postfix; at the end"
            + " of the message after cleanup's checks and before it is queued, so the filters' verdict is the reply"),
        new Link(QueueingMessageHook.class, "last message hook: queues the message and answers 250 with its queue ID"),
        new Link(UnknownCmdHandler.class, "James: answers commands no handler takes"),
        new Link(CommandHandlerResultLogger.class, "James: debug log of command results"),
        new Link(HookResultLogger.class, "James: debug log of hook results"));

    private final List<String> handlers = CHAIN.stream().map(link -> link.handler().getName()).toList();

    @Override
    public List<String> getHandlers() {
        return handlers;
    }
}
