package dev.postern.smtpd;

import java.util.List;
import java.util.Optional;

import javax.inject.Inject;

import org.apache.commons.configuration2.Configuration;
import org.apache.commons.configuration2.ex.ConfigurationException;
import org.apache.james.protocols.api.Request;
import org.apache.james.protocols.api.Response;
import org.apache.james.protocols.api.handler.CommandHandler;
import org.apache.james.protocols.smtp.SMTPResponse;
import org.apache.james.protocols.smtp.SMTPSession;

import dev.postern.restrictions.Reply;

/**
 * Refuses a HELO or EHLO name that holds a control character (below 0x20, DEL, or a C1
 * control), whatever the restriction lists say, with the reply of Postfix's
 * {@code reject_invalid_helo_hostname}: {@code 501 5.5.2 <NAME>: Helo command rejected:
 * Invalid name}, the name made printable ({@code ?} for each control). James cuts command lines
 * at LF only, so a bare CR reaches the HELO name intact; stored, it would go into the
 * {@code Received:} header, the mail log and policy requests, where a CR or LF starts a new line
 * that the client wrote. Postfix makes such a name printable and goes on; here it never becomes
 * the session's HELO name at all.
 *
 * <p>Registered for HELO and EHLO ahead of James's handlers: its reply ends the command, so
 * James never stores the name (its handlers store it before any HELO hook runs).
 */
public class HeloNameCheck implements CommandHandler<SMTPSession> {
    private final HookEnvironment environment;
    private VerdictLog verdictLog;

    @Inject
    public HeloNameCheck(HookEnvironment environment) {
        this.environment = environment;
    }

    @Override
    public void init(Configuration config) throws ConfigurationException {
        verdictLog = new VerdictLog(environment.smtpdLog(config, this));
    }

    @Override
    public Response onCommand(SMTPSession session, Request request) {
        String name = request.getArgument();
        Optional<Reply> refusal = refusal(name);
        if (refusal.isEmpty()) {
            return null;
        }
        String printable = printable(name);
        verdictLog.reject(session, new VerdictLog.Context(request.getCommand(), null, null, printable), refusal.get());
        return new SMTPResponse(Integer.toString(refusal.get().code()), refusal.get().dsn() + " " + refusal.get().text());
    }

    /** The refusal of a HELO name with a control character in it; empty for any other name (or none). */
    static Optional<Reply> refusal(String name) {
        if (name == null || name.chars().noneMatch(Character::isISOControl)) {
            return Optional.empty();
        }
        // Reply.of cuts the line at Postfix's 510 characters
        return Optional.of(Reply.of(501, "5.5.2", "<" + printable(name) + ">: Helo command rejected: Invalid name"));
    }

    /** The name with each control character shown as {@code ?}, as Postfix's printable() does. */
    static String printable(String name) {
        StringBuilder result = new StringBuilder(name.length());
        name.chars().forEach(c -> result.append(Character.isISOControl(c) ? '?' : (char) c));
        return result.toString();
    }

    @Override
    public List<String> getImplCommands() {
        return List.of("HELO", "EHLO");
    }
}
