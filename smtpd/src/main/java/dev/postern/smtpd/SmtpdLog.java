package dev.postern.smtpd;

import org.apache.james.protocols.api.ProtocolSession;

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
}
