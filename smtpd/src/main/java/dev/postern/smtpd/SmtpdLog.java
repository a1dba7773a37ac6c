package dev.postern.smtpd;

import java.util.Optional;

import org.apache.james.protocols.api.ProtocolSession;

import dev.postern.log.MailEvent;
import dev.postern.log.MailLog;

/**
 * The mail log as the SMTP server writes it: under the daemon name {@code smtpd} and the
 * {@code syslog_name} of the session's listener ({@code postern/submission/smtpd}), as a
 * master.cf service with {@code -o syslog_name=} does.
 */
public final class SmtpdLog {
    private final PerListener<MailLog> logs;
    private final String service;

    SmtpdLog(PerListener<MailLog> logs, String service) {
        this.logs = logs;
        this.service = service;
    }

    public void log(ProtocolSession session, String text) {
        logs.of(session).log(service, text);
    }

    public void log(ProtocolSession session, String queueId, String text) {
        logs.of(session).log(service, queueId, text);
    }

    /** A line and the {@link MailEvent} it tells. */
    public void log(ProtocolSession session, String text, MailEvent event) {
        logs.of(session).log(service, text, event);
    }

    /** A line and the event it tells, if it tells one. */
    public void log(ProtocolSession session, String text, Optional<? extends MailEvent> event) {
        if (event.isPresent()) {
            log(session, text, event.get());
        } else {
            log(session, text);
        }
    }

    /** An event without a line of its own, under the session's listener. */
    public void record(ProtocolSession session, MailEvent event) {
        logs.of(session).record(service, event);
    }
}
