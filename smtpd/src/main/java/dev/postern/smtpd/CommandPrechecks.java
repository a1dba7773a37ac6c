package dev.postern.smtpd;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

import javax.inject.Inject;

import org.apache.commons.configuration2.Configuration;
import org.apache.commons.configuration2.ex.ConfigurationException;
import org.apache.james.protocols.api.ProtocolSession;
import org.apache.james.protocols.api.ProtocolSession.State;
import org.apache.james.protocols.api.Request;
import org.apache.james.protocols.api.Response;
import org.apache.james.protocols.api.handler.CommandHandler;
import org.apache.james.protocols.api.handler.UnknownCommandHandler;
import org.apache.james.protocols.smtp.SMTPSession;

import dev.postern.config.ComponentParameters;

/**
 * What Postfix's smtpd does between reading a command and running it, registered ahead of
 * every command handler (it answers nothing itself, so the command's own handler runs next):
 * <ul>
 * <li>After a client was refused at connect ({@code smtpd_delay_reject = no}), every command but
 * QUIT gets {@code 503 5.7.0 Error: access denied for NAME[IP]}.
 * <li>{@code smtpd_helo_required = yes}: MAIL before HELO/EHLO gets {@code 503 5.5.1 Error: send
 * HELO/EHLO first}; {@code disable_vrfy_command = yes}: VRFY gets {@code 502 5.5.1 VRFY command is
 * disabled} (both per listener, as Postfix's smtpd checks them before it runs the command).
 * <li>Improper pipelining: when the client has not said EHLO, or the command must end a
 * pipelined group (HELO, EHLO, DATA, NOOP, VRFY; RFC 2920), input that already follows the
 * command means the client did not wait for the reply. The session is marked for
 * {@code reject_unauth_pipelining} and the mail log says {@code improper command pipelining
 * after CMD from NAME[IP]: INPUT}. Postfix also checks before the greeting; in James the greeting
 * is written before any input is read, so that check would never fire and is not made.
 * </ul>
 * The meter of unread input ({@link ClientInputMeter}) is put in each connection's pipeline by
 * {@link ClientInputMetering}.
 */
public class CommandPrechecks implements CommandHandler<SMTPSession> {
    /**
     * The commands James's core handlers implement (and the unknown-command slot): only those,
     * since a command whose only handler were this one would get no reply at all. The first
     * one names this handler to result handlers that ask; {@link SmtpdLogger} asks {@link #command}.
     */
    private static final List<String> COMMANDS = List.of("HELO", "EHLO", "MAIL", "RCPT", "DATA", "RSET", "NOOP", "VRFY",
        "EXPN", "HELP", "QUIT", "AUTH", "STARTTLS", UnknownCommandHandler.COMMAND_IDENTIFIER);
    /** RFC 2920: commands that may only be the last of a pipelined group (BDAT aside). */
    private static final Set<String> LAST_IN_GROUP = Set.of("HELO", "EHLO", "DATA", "NOOP", "VRFY");
    private static final Set<String> KNOWN = Set.of("HELO", "EHLO", "MAIL", "RCPT", "DATA", "RSET", "NOOP", "VRFY",
        "EXPN", "HELP", "QUIT", "AUTH", "STARTTLS");
    private static final int LOGGED_INPUT = 100;

    private static final ProtocolSession.AttachmentKey<String> DENIED =
        ProtocolSession.AttachmentKey.of("dev.postern.accessDenied", String.class);
    private static final ProtocolSession.AttachmentKey<Boolean> IMPROPER_PIPELINING =
        ProtocolSession.AttachmentKey.of("dev.postern.improperPipelining", Boolean.class);
    private static final ProtocolSession.AttachmentKey<Boolean> ESMTP =
        ProtocolSession.AttachmentKey.of("dev.postern.esmtp", Boolean.class);
    private static final ProtocolSession.AttachmentKey<String> COMMAND =
        ProtocolSession.AttachmentKey.of("dev.postern.command", String.class);

    private final HookEnvironment environment;
    private SmtpdLog log;
    private PerListener<Requirements> requirements;

    /** What a listener requires of a client's commands. */
    private record Requirements(boolean heloRequired, boolean vrfyDisabled) {
        static Requirements of(ComponentParameters parameters) {
            return new Requirements(parameters.bool("smtpd_helo_required"), parameters.bool("disable_vrfy_command"));
        }
    }

    @Inject
    public CommandPrechecks(HookEnvironment environment) {
        this.environment = environment;
    }

    @Override
    public void init(Configuration config) throws ConfigurationException {
        log = environment.smtpdLog(config, this);
        requirements = environment.perListener(config, this, Requirements::of);
        if (!ClientInputMeter.isSupported()) {
            PerListener<Boolean> needed = environment.perListener(config, this, CommandPrechecks::usesPipeliningCheck);
            if (needed.any(Boolean::booleanValue)) {
                throw new ConfigurationException("reject_unauth_pipelining: cannot be used with this James version:"
                    + " its SMTP transport does not expose the Netty channel whose unread input the check needs");
            }
        }
    }

    /** Whether a listener's restriction parameters mention reject_unauth_pipelining. */
    private static boolean usesPipeliningCheck(ComponentParameters parameters) {
        List<String> names = new ArrayList<>(List.of("smtpd_client_restrictions", "smtpd_helo_restrictions",
            "smtpd_sender_restrictions", "smtpd_relay_restrictions", "smtpd_recipient_restrictions",
            "smtpd_data_restrictions", "smtpd_end_of_data_restrictions"));
        names.addAll(parameters.list("smtpd_restriction_classes"));
        return names.stream().anyMatch(name -> parameters.get(name).toLowerCase(Locale.ROOT)
            .contains("reject_unauth_pipelining"));
    }

    @Override
    public Response onCommand(SMTPSession session, Request request) {
        String command = request.getCommand();
        session.setAttachment(COMMAND, command, State.Connection);
        if (session.getAttachment(SMTPSession.CURRENT_HELO_MODE, State.Connection).filter("EHLO"::equals).isPresent()) {
            // Postfix's protocol stays ESMTP after EHLO, even if HELO follows.
            session.setAttachment(ESMTP, Boolean.TRUE, State.Connection);
        }
        if (session.getAttachment(DENIED, State.Connection).isPresent() && !command.equals("QUIT")) {
            return FixedReply.ACCESS_DENIED.response(ClientIdentity.of(session));
        }
        if (KNOWN.contains(command)) {
            checkPipelining(session, command);
        }
        return refusal(session, command);
    }

    /** The listener's refusal of this command before it runs, or null to let it run. */
    private Response refusal(SMTPSession session, String command) {
        Requirements required = requirements.of(session);
        if (command.equals("MAIL") && required.heloRequired()
                && session.getAttachment(SMTPSession.CURRENT_HELO_NAME, State.Connection).isEmpty()) {
            return FixedReply.HELO_FIRST.response();
        }
        if (command.equals("VRFY") && required.vrfyDisabled()) {
            return FixedReply.VRFY_DISABLED.response();
        }
        return null;
    }

    private void checkPipelining(SMTPSession session, String command) {
        boolean esmtp = session.getAttachment(ESMTP, State.Connection).isPresent();
        if ((esmtp && !LAST_IN_GROUP.contains(command)) || improperPipelining(session)) {
            return;
        }
        ClientInputMeter.of(session).filter(ClientInputMeter::hasPendingInput).ifPresent(meter -> {
            session.setAttachment(IMPROPER_PIPELINING, Boolean.TRUE, State.Connection);
            log.log(session, "improper command pipelining after " + command + " from " + ClientIdentity.of(session)
                + ": " + meter.pendingText(LOGGED_INPUT));
        });
    }

    /** Whether the client pipelined where it may not (Postfix's session flag; never cleared). */
    public static boolean improperPipelining(ProtocolSession session) {
        return session.getAttachment(IMPROPER_PIPELINING, State.Connection).isPresent();
    }

    /** Refuses every later command but QUIT: the client restrictions rejected the connection. */
    static void denyAccess(ProtocolSession session, String reply) {
        session.setAttachment(DENIED, reply, State.Connection);
    }

    /** The command being processed, as the client named it (upper case). */
    static String command(ProtocolSession session) {
        return session.getAttachment(COMMAND, State.Connection).orElse("UNKNOWN");
    }

    /**
     * The last command the client gave, by Postfix's name for it: {@code UNKNOWN} for one
     * that is not an SMTP command; empty before the first.
     */
    static Optional<String> lastCommand(ProtocolSession session) {
        return session.getAttachment(COMMAND, State.Connection).map(command -> KNOWN.contains(command) ? command : "UNKNOWN");
    }

    @Override
    public Collection<String> getImplCommands() {
        return COMMANDS;
    }
}
