package dev.postern.smtpd;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;

import javax.inject.Inject;

import org.apache.commons.configuration2.Configuration;
import org.apache.commons.configuration2.ex.ConfigurationException;
import org.apache.james.protocols.api.ProtocolSession;
import org.apache.james.protocols.api.ProtocolSession.State;
import org.apache.james.protocols.api.Response;
import org.apache.james.protocols.api.handler.CommandHandler;
import org.apache.james.protocols.api.handler.ConnectHandler;
import org.apache.james.protocols.api.handler.DisconnectHandler;
import org.apache.james.protocols.api.handler.ProtocolHandler;
import org.apache.james.protocols.api.handler.ProtocolHandlerResultHandler;
import org.apache.james.protocols.smtp.SMTPSession;
import org.apache.james.protocols.smtp.hook.Hook;
import org.apache.james.protocols.smtp.hook.HookResult;
import org.apache.james.protocols.smtp.hook.HookResultHook;
import org.apache.james.protocols.smtp.hook.HookReturnCode;
import org.apache.james.protocols.smtp.hook.MessageHook;
import org.apache.james.smtpserver.JamesMessageHook;

import dev.postern.log.MailEvent;
import dev.postern.restrictions.RejectClass;

/**
 * The smtpd lines of the mail log: {@code connect from}, {@code NOQUEUE: reject: RCPT from ...} for every
 * refused MAIL or RCPT ({@code milter-reject:} when a milter refused it), and {@code disconnect from ... ehlo=1 mail=1 rcpt=1 data=1 quit=1
 * commands=5} with Postfix's ok/total counts (a DATA whose message is refused after the final
 * dot counts as failed, {@code data=0/1}, as in Postfix). Addresses are logged as the client
 * wrote them ({@link CommandArguments}).
 */
public class SmtpdLogger implements ConnectHandler<SMTPSession>, DisconnectHandler<SMTPSession>,
        ProtocolHandlerResultHandler<Response, ProtocolSession>, HookResultHook {
    private static final ProtocolSession.AttachmentKey<CommandCounts> COUNTS =
        ProtocolSession.AttachmentKey.of("dev.postern.commandCounts", CommandCounts.class);

    private final HookEnvironment environment;
    private SmtpdLog log;
    private PerListener<ClientIdentity> identities;

    @Inject
    public SmtpdLogger(HookEnvironment environment) {
        this.environment = environment;
    }

    @Override
    public void init(Configuration config) throws ConfigurationException {
        log = environment.smtpdLog(config, this);
        identities = environment.clientIdentity(config, this);
    }

    @Override
    public Response onConnect(SMTPSession session) {
        session.setAttachment(COUNTS, new CommandCounts(), State.Connection);
        // The one lookup of the client's name for this connection; its warnings come first, as in Postfix.
        identities.of(session).resolve(session, warning -> log.log(session, "warning: " + warning));
        log.log(session, "connect from " + ClientIdentity.of(session), new MailEvent.Connection());
        return null;
    }

    @Override
    public void onDisconnect(SMTPSession session) {
        String counts = session.getAttachment(COUNTS, State.Connection).map(CommandCounts::toString).orElse("commands=0");
        log.log(session, "disconnect from " + ClientIdentity.of(session) + " " + counts);
    }

    /**
     * The reply to the end of the message comes from a message hook, not from the DATA command
     * handler that {@link #onResponse} counts (it answered 354), so a refusal there is counted here.
     */
    @Override
    public HookResult onHookResult(SMTPSession session, HookResult result, long executionTime, Hook hook) {
        boolean messageHook = hook instanceof JamesMessageHook || hook instanceof MessageHook;
        HookReturnCode.Action action = result.getResult().getAction();
        if (messageHook && (action == HookReturnCode.Action.DENY || action == HookReturnCode.Action.DENYSOFT)) {
            session.getAttachment(COUNTS, State.Connection).ifPresent(counts -> counts.failed("DATA"));
        }
        return result;
    }

    @Override
    public Response onResponse(ProtocolSession session, Response response, long executionTime, ProtocolHandler handler) {
        if (!(handler instanceof CommandHandler<?> command) || command.getImplCommands().isEmpty()) {
            return response;
        }
        // CommandPrechecks answers for many commands (503 after a refused connect): it says which.
        // So does HeloNameCheck (HELO or EHLO).
        String name = handler instanceof CommandPrechecks || handler instanceof HeloNameCheck ? CommandPrechecks.command(session)
            : command.getImplCommands().iterator().next().toUpperCase(Locale.ROOT);
        boolean ok = response.getRetCode().startsWith("2") || response.getRetCode().startsWith("3");
        session.getAttachment(COUNTS, State.Connection).ifPresent(counts -> counts.count(name, ok));
        // Postfix logs no reject line for the 503 of a client refused at connect.
        boolean refusal = !ok && !(handler instanceof CommandPrechecks);
        // read for every refusal, so that a filter's refusal of one command is not taken for the next one's
        boolean byMilter = refusal && MilterHook.refusedByMilter(session);
        // likewise read for every refusal, so that no restriction's class is left for another command's refusal
        RejectClass rejectClass = refusal ? RejectedBy.take(session) : RejectClass.OTHER;
        if (refusal && (name.equals("MAIL") || name.equals("RCPT")) && session instanceof SMTPSession smtp) {
            logReject(smtp, name, response, byMilter ? Optional.empty()
                : Optional.of(new MailEvent.Reject(response.getRetCode(), rejectClass.label())));
        }
        return response;
    }

    /** @param reject the event of a {@code reject:} line; empty for a {@code milter-reject:} line, which the milter counter counts */
    private void logReject(SMTPSession session, String command, Response response, Optional<MailEvent.Reject> reject) {
        String action = reject.isPresent() ? "reject" : "milter-reject";
        String reply = response.getRetCode() + " " + String.join(" ", response.getLines()).replaceFirst("^\\d{3}[ -]", "");
        // As the client wrote them (CommandArguments): right even when James could not parse the
        // address, or a hook listed before Postern's answered and the others were skipped.
        String argument = (command.equals("RCPT") ? CommandArguments.recipient(session) : CommandArguments.sender(session))
            .orElse("");
        String from = CommandArguments.sender(session).orElse("");
        StringBuilder line = new StringBuilder()
            .append(SessionQueueId.get(session).orElse("NOQUEUE"))
            .append(": ").append(action).append(": ").append(command).append(" from ").append(ClientIdentity.of(session))
            .append(": ").append(reply)
            .append("; from=<").append(from).append(">");
        if (command.equals("RCPT")) {
            line.append(" to=<").append(argument).append(">");
        }
        line.append(" proto=").append(protocol(session)).append(" helo=<").append(helo(session)).append(">");
        log.log(session, line.toString(), reject);
    }

    static String protocol(SMTPSession session) {
        return session.getAttachment(SMTPSession.CURRENT_HELO_MODE, State.Connection)
            .filter("EHLO"::equalsIgnoreCase).map(m -> "ESMTP").orElse("SMTP");
    }

    static String helo(SMTPSession session) {
        return session.getAttachment(SMTPSession.CURRENT_HELO_NAME, State.Connection).orElse("");
    }

    /** Postfix's per-command counts, {@code name=ok/total} when they differ, in order of first use. */
    static final class CommandCounts {
        private final Map<String, int[]> counts = new LinkedHashMap<>();

        synchronized void count(String command, boolean ok) {
            int[] pair = counts.computeIfAbsent(command.toLowerCase(Locale.ROOT), c -> new int[2]);
            pair[1]++;
            if (ok) {
                pair[0]++;
            }
        }

        /** A command counted as successful turned out to fail (DATA refused after its 354). */
        synchronized void failed(String command) {
            int[] pair = counts.get(command.toLowerCase(Locale.ROOT));
            if (pair != null && pair[0] > 0) {
                pair[0]--;
            }
        }

        @Override
        public synchronized String toString() {
            int ok = counts.values().stream().mapToInt(p -> p[0]).sum();
            int total = counts.values().stream().mapToInt(p -> p[1]).sum();
            String each = counts.entrySet().stream()
                .map(e -> e.getKey() + "=" + format(e.getValue()[0], e.getValue()[1]))
                .collect(Collectors.joining(" "));
            return (each.isEmpty() ? "" : each + " ") + "commands=" + format(ok, total);
        }

        private static String format(int ok, int total) {
            return ok == total ? Integer.toString(total) : ok + "/" + total;
        }
    }
}
