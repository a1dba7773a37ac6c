package dev.postern.smtpd;

import java.util.List;
import java.util.Locale;

import org.apache.james.protocols.api.ProtocolSession;
import org.apache.james.protocols.api.ProtocolSession.State;
import org.apache.james.protocols.api.Response;
import org.apache.james.protocols.api.handler.CommandHandler;
import org.apache.james.protocols.api.handler.ProtocolHandler;
import org.apache.james.protocols.api.handler.ProtocolHandlerResultHandler;
import org.apache.james.protocols.api.handler.UnknownCommandHandler;
import org.apache.james.protocols.smtp.SMTPResponse;

/**
 * Gives James's routine replies Postfix's wording, which operators, scripts and test
 * suites know: the bare host name on the first line of the EHLO and HELO replies,
 * {@code 250 2.1.0 Ok} for MAIL, {@code 250 2.1.5 Ok} for RCPT,
 * {@code 354 End data with <CR><LF>.<CR><LF>}, and for DATA without an accepted recipient
 * {@code 554 5.5.1 Error: no valid recipients} when recipients were refused or
 * {@code 503 5.5.1 Error: need RCPT command} when none was given, and for a command it does not
 * know {@code 502 5.5.2 Error: command not recognized}. Codes are unchanged except for those last
 * two cases, where Postfix's code is kept too.
 *
 * <p>James's own reply to an unknown command repeats the command line as the client sent it,
 * NUL, bare CR, control and 8-bit bytes included: a malformed reply (RFC 5321 reply text is
 * printable ASCII) that reflects the client's bytes back. Postfix's fixed text repeats nothing.
 */
public class ReplyWording implements ProtocolHandlerResultHandler<Response, ProtocolSession> {
    private static final ProtocolSession.AttachmentKey<Boolean> RECIPIENT_REFUSED =
        ProtocolSession.AttachmentKey.of("dev.postern.recipientRefused", Boolean.class);

    @Override
    public Response onResponse(ProtocolSession session, Response response, long executionTime, ProtocolHandler handler) {
        if (!(handler instanceof CommandHandler<?> command) || command.getImplCommands().isEmpty()) {
            return response;
        }
        String name = command.getImplCommands().iterator().next().toUpperCase(Locale.ROOT);
        String code = response.getRetCode();
        return switch (name) {
            case "EHLO", "HELO" -> code.equals("250") ? greeting(session, response) : response;
            case "MAIL" -> code.equals("250") ? reply(response, FixedReply.SENDER_OK) : response;
            case "RCPT" -> rcpt(session, response, code);
            case "DATA" -> data(session, response, code);
            case UnknownCommandHandler.COMMAND_IDENTIFIER -> code.equals("500") ? reply(response, FixedReply.COMMAND_NOT_RECOGNIZED) : response;
            default -> response;
        };
    }

    private static Response rcpt(ProtocolSession session, Response response, String code) {
        if (code.equals("250")) {
            return reply(response, FixedReply.RECIPIENT_OK);
        }
        if (code.startsWith("4") || code.startsWith("5")) {
            session.setAttachment(RECIPIENT_REFUSED, Boolean.TRUE, State.Transaction);
        }
        return response;
    }

    private static Response data(ProtocolSession session, Response response, String code) {
        if (code.equals("354")) {
            return reply(response, FixedReply.START_DATA);
        }
        if (code.equals("503") && String.join(" ", response.getLines()).contains("No recipients specified")) {
            return session.getAttachment(RECIPIENT_REFUSED, State.Transaction).isPresent()
                ? reply(response, FixedReply.NO_VALID_RECIPIENTS)
                : reply(response, FixedReply.NEED_RCPT);
        }
        if (code.equals("503") && String.join(" ", response.getLines()).contains("No sender specified")) {
            return reply(response, FixedReply.NEED_MAIL);
        }
        return response;
    }

    /**
     * Postfix answers EHLO and HELO with its host name alone ({@code 250-mx.example.com}), not
     * James's {@code mx.example.com Hello name [IP])}; the extension lines stay as they are.
     */
    private static Response greeting(ProtocolSession session, Response response) {
        SMTPResponse replaced = new SMTPResponse("250", session.getConfiguration().getHelloName());
        List<CharSequence> lines = response.getLines();
        for (int i = 1; i < lines.size(); i++) {
            String line = lines.get(i).toString();
            replaced.appendLine(line.length() > 4 ? line.substring(4) : "");
        }
        replaced.setEndSession(response.isEndSession());
        return replaced;
    }

    private static Response reply(Response original, FixedReply reply) {
        SMTPResponse replaced = reply.response();
        replaced.setEndSession(original.isEndSession());
        return replaced;
    }

}
