package dev.postern.smtp;

import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

import org.apache.james.protocols.api.ProtocolSession;
import org.apache.james.protocols.api.ProtocolSession.State;
import org.apache.james.protocols.api.Request;
import org.apache.james.protocols.api.Response;
import org.apache.james.protocols.api.handler.CommandHandler;
import org.apache.james.protocols.smtp.SMTPSession;

/**
 * Keeps the address of each MAIL FROM and RCPT TO exactly as the client wrote it, before
 * James parses it. James's parsed form loses what Postfix's resolver and log lines need: the
 * brackets of an address literal ({@code user@[192.0.2.1]} becomes {@code user@192.0.2.1}),
 * and a recipient James cannot parse at all never reaches a hook. Runs first for MAIL and RCPT
 * and always passes the command on (answers nothing).
 */
public class CommandArguments implements CommandHandler<SMTPSession> {
    private static final ProtocolSession.AttachmentKey<String> MAIL_PATH =
        ProtocolSession.AttachmentKey.of("dev.postern.mailPath", String.class);
    private static final ProtocolSession.AttachmentKey<String> RCPT_PATH =
        ProtocolSession.AttachmentKey.of("dev.postern.rcptPath", String.class);

    @Override
    public Response onCommand(SMTPSession session, Request request) {
        String command = request.getCommand().toUpperCase(Locale.ROOT);
        String path = path(request.getArgument());
        if (command.equals("MAIL")) {
            session.setAttachment(MAIL_PATH, path, State.Transaction);
        } else if (command.equals("RCPT")) {
            session.setAttachment(RCPT_PATH, path, State.Transaction);
        }
        return null;
    }

    @Override
    public Collection<String> getImplCommands() {
        return List.of("MAIL", "RCPT");
    }

    /** The address of the MAIL FROM command in progress, as written, without its angle brackets. */
    public static Optional<String> sender(ProtocolSession session) {
        return session.getAttachment(MAIL_PATH, State.Transaction);
    }

    /** The address of the RCPT TO command in progress, as written, without its angle brackets. */
    public static Optional<String> recipient(ProtocolSession session) {
        return session.getAttachment(RCPT_PATH, State.Transaction);
    }

    /**
     * The path of {@code FROM:<path> params} or {@code TO:<path> params}: between the first
     * {@code <} and the {@code >} that closes it outside a quoted string; without brackets,
     * the first word after the colon.
     */
    static String path(String argument) {
        if (argument == null) {
            return "";
        }
        int colon = argument.indexOf(':');
        String rest = (colon < 0 ? argument : argument.substring(colon + 1)).stripLeading();
        if (!rest.startsWith("<")) {
            int space = rest.indexOf(' ');
            return space < 0 ? rest : rest.substring(0, space);
        }
        boolean quoted = false;
        for (int i = 1; i < rest.length(); i++) {
            char c = rest.charAt(i);
            if (c == '\\' && quoted) {
                i++;
            } else if (c == '"') {
                quoted = !quoted;
            } else if (c == '>' && !quoted) {
                return rest.substring(1, i);
            }
        }
        return rest.substring(1);
    }
}
