package dev.postern.smtpd;

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

import dev.postern.address.EnvelopePath;

/**
 * Reads the path of each MAIL FROM and RCPT TO once ({@link EnvelopePath}) and keeps that one
 * reading for the rest of the command: {@link PosternMailCmdHandler} and
 * {@link PosternRcptCmdHandler} build James's address from it (or refuse the command when it
 * could not be read), the restrictions resolve it, the relay guard and the log lines use it.
 * Also keeps the path as the client wrote it, for the log line of a refusal, even when it could
 * not be read. Runs first for MAIL and RCPT and always passes the command on (answers nothing).
 */
public class CommandArguments implements CommandHandler<SMTPSession> {
    private static final ProtocolSession.AttachmentKey<Reading> MAIL_PATH =
        ProtocolSession.AttachmentKey.of("dev.postern.mailPath", Reading.class);
    private static final ProtocolSession.AttachmentKey<Reading> RCPT_PATH =
        ProtocolSession.AttachmentKey.of("dev.postern.rcptPath", Reading.class);

    /**
     * One command's path: what the client wrote and either the path read from it or why it could not be read.
     *
     * @param asWritten the path without its angle brackets, for log lines
     * @param path      the reading, when the path is unambiguous
     * @param error     why it is not, when it is not
     */
    record Reading(String asWritten, Optional<EnvelopePath> path, Optional<EnvelopePath.SyntaxException> error) {
    }

    @Override
    public Response onCommand(SMTPSession session, Request request) {
        String command = request.getCommand().toUpperCase(Locale.ROOT);
        boolean brackets = session.getConfiguration().useAddressBracketsEnforcement();
        if (command.equals("MAIL")) {
            session.setAttachment(MAIL_PATH, read(request.getArgument(), "FROM", brackets), State.Transaction);
        } else if (command.equals("RCPT")) {
            session.setAttachment(RCPT_PATH, read(request.getArgument(), "TO", brackets), State.Transaction);
        }
        return null;
    }

    @Override
    public Collection<String> getImplCommands() {
        return List.of("MAIL", "RCPT");
    }

    static Reading read(String argument, String keyword, boolean requireBrackets) {
        try {
            EnvelopePath path = EnvelopePath.parse(argument, keyword, requireBrackets);
            return new Reading(path.asWritten(), Optional.of(path), Optional.empty());
        } catch (EnvelopePath.SyntaxException e) {
            return new Reading(unbracketed(e.asWritten()), Optional.empty(), Optional.of(e));
        }
    }

    /**
     * The MAIL FROM command of the transaction, as an identity: each MAIL command has its own, so that what a
     * hook kept for a MAIL that was refused is not taken for the next one's.
     */
    static Optional<Object> mailCommand(ProtocolSession session) {
        return session.getAttachment(MAIL_PATH, State.Transaction).map(Object.class::cast);
    }

    /** The address of the MAIL FROM command in progress, as written, without its angle brackets. */
    public static Optional<String> sender(ProtocolSession session) {
        return session.getAttachment(MAIL_PATH, State.Transaction).map(Reading::asWritten);
    }

    /** The address of the RCPT TO command in progress, as written, without its angle brackets. */
    public static Optional<String> recipient(ProtocolSession session) {
        return session.getAttachment(RCPT_PATH, State.Transaction).map(Reading::asWritten);
    }

    /** The one reading of the MAIL FROM path of the transaction; empty when it could not be read. */
    public static Optional<EnvelopePath> senderPath(ProtocolSession session) {
        return session.getAttachment(MAIL_PATH, State.Transaction).flatMap(Reading::path);
    }

    /** The one reading of the RCPT TO path in progress; empty when it could not be read. */
    public static Optional<EnvelopePath> recipientPath(ProtocolSession session) {
        return session.getAttachment(RCPT_PATH, State.Transaction).flatMap(Reading::path);
    }

    static Optional<Reading> senderReading(ProtocolSession session) {
        return session.getAttachment(MAIL_PATH, State.Transaction);
    }

    static Optional<Reading> recipientReading(ProtocolSession session) {
        return session.getAttachment(RCPT_PATH, State.Transaction);
    }

    /** A path that could not be read, for the log: the text after the colon without one pair of angle brackets. */
    private static String unbracketed(String text) {
        String path = text.startsWith("<") ? text.substring(1) : text;
        int space = path.lastIndexOf("> ");
        if (space >= 0) {
            return path.substring(0, space);
        }
        return path.endsWith(">") ? path.substring(0, path.length() - 1) : path;
    }
}
