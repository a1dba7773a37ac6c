package dev.postern.smtpd;

import org.apache.james.protocols.api.Response;
import org.apache.james.protocols.api.handler.LineHandler;
import org.apache.james.protocols.smtp.SMTPSession;
import org.apache.james.protocols.smtp.core.DataLineFilter;

import dev.postern.content.BareCarriageReturns;

/**
 * Replaces each bare CR in the message a client sends with a space ({@link BareCarriageReturns}),
 * line by line as DATA arrives, before anything stores, checks or parses the content. James
 * cuts DATA at LF only, so a bare CR arrives inside a line.
 */
public class BareCarriageReturnFilter implements DataLineFilter {
    @Override
    public Response onLine(SMTPSession session, byte[] line, LineHandler<SMTPSession> next) {
        return next.onLine(session, BareCarriageReturns.replace(line));
    }
}
