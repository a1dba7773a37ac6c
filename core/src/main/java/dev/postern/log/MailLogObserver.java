package dev.postern.log;

/**
 * Sees every {@link MailEvent} the mail log is handed, with or without its line: the one place
 * from which figures about the mail flow (metrics) are derived, so that they always agree with
 * the log an operator reads, without reading its text back.
 */
@FunctionalInterface
public interface MailLogObserver {
    /** An observer that ignores every event, for logs nobody watches. */
    MailLogObserver NONE = (syslogName, service, event) -> {
    };

    /**
     * @param syslogName the log's {@code syslog_name}, such as {@code postern} or
     *                   {@code postern/submission} for a listener that sets its own
     * @param service    the Postfix daemon name as logged, such as {@code smtpd}, {@code qmgr}, {@code smtp}
     * @param event      what happened ({@link DeliveryOutcome} for a delivery line)
     */
    void observed(String syslogName, String service, MailEvent event);
}
