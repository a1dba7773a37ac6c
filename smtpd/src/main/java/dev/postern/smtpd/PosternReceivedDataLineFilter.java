package dev.postern.smtpd;

import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Locale;

import org.apache.james.core.MailAddress;
import org.apache.james.protocols.api.ProtocolSession.State;
import org.apache.james.protocols.smtp.SMTPSession;
import org.apache.james.protocols.smtp.core.ReceivedDataLineFilter;

/**
 * The {@code Received:} header in Postfix's shape, carrying the queue ID, preceded by any
 * headers an access(5) {@code PREPEND} result added:
 * <pre>
 * Received: from HELO (NAME [IP])
 *         (Authenticated sender: LOGIN)    with smtpd_sasl_authenticated_header = yes
 *         by MYHOSTNAME (Postern) with ESMTP id QID
 *         for &lt;rcpt&gt;; DATE
 * </pre>
 * The recipient is named only for single-recipient mail, as Postfix does, so that a
 * message to many does not disclose the list. Every value is made printable before it is
 * written ({@link #printable}): HELO names with control characters are refused at HELO
 * ({@link HeloNameCheck}), and this is the second line of defence.
 */
public class PosternReceivedDataLineFilter extends ReceivedDataLineFilter {
    private static final DateTimeFormatter DATE =
        DateTimeFormatter.ofPattern("EEE, d MMM yyyy HH:mm:ss Z (zzz)", Locale.US);

    @Override
    protected Collection<Header> headers(SMTPSession session) {
        String heloMode = session.getAttachment(SMTPSession.CURRENT_HELO_MODE, State.Connection).orElse("NOT-DEFINED");
        String helo = session.getAttachment(SMTPSession.CURRENT_HELO_NAME, State.Connection).orElse("unknown");
        String address = ClientIdentity.address(session);
        // The name SmtpdLogger looked up at connect (forward-confirmed, or "unknown"), as Postfix writes it.
        String name = ClientIdentity.name(session);
        Header header = new Header("Received", printable("from " + helo + " (" + name + " [" + address + "])"));
        PosternAuthCmdHandler.authenticatedHeaderName(session)
            .ifPresent(user -> header.add(printable("(Authenticated sender: " + user + ")")));
        String by = printable("by " + session.getConfiguration().getHelloName() + " (Postern) with "
            + getServiceType(session, heloMode) + SessionQueueId.get(session).map(id -> " id " + id).orElse(""));
        List<MailAddress> recipients = session.getAttachment(SMTPSession.RCPT_LIST, State.Transaction).orElse(List.of());
        String date = DATE.format(ZonedDateTime.now());
        if (recipients.size() == 1) {
            header.add(by);
            header.add(printable("for <" + recipients.get(0).asString() + ">; " + date));
        } else {
            header.add(by + "; " + date);
        }
        List<Header> headers = new ArrayList<>(prepended(session));
        headers.add(header);
        return headers;
    }

    /** access(5) PREPEND results, above the Received: header as Postfix's smtpd writes them. */
    private static List<Header> prepended(SMTPSession session) {
        return SessionDecisions.prepended(session).stream()
            .map(line -> {
                int colon = line.indexOf(':');
                return new Header(printable(line.substring(0, colon).trim()), printable(line.substring(colon + 1).trim()));
            })
            .toList();
    }

    /**
     * The text with each control character (CR, LF, NUL, TAB, DEL, C1) replaced by {@code ?}:
     * a header line written here is one line whatever the client's HELO name, a DNS name or a
     * table's PREPEND text holds, so nothing can start a header of its own above the real ones.
     */
    static String printable(String text) {
        StringBuilder result = new StringBuilder(text.length());
        text.chars().forEach(c -> result.append(Character.isISOControl(c) ? '?' : (char) c));
        return result.toString();
    }
}
