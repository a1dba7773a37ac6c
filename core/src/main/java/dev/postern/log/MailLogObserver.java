package dev.postern.log;

/**
 * Sees every mail log line as it is written, before the syslog prefix is added: the one place
 * from which figures about the mail flow (metrics) can be derived, so that they always agree
 * with the log an operator reads.
 */
@FunctionalInterface
public interface MailLogObserver {
    /** An observer that ignores every line, for logs nobody watches. */
    MailLogObserver NONE = (service, text) -> {
    };

    /**
     * @param service the Postfix daemon name as logged, such as {@code smtpd},
     *                {@code submission/smtpd}, {@code qmgr}, {@code smtp}
     * @param text    the line after the {@code name[pid]: } prefix
     */
    void logged(String service, String text);

    /**
     * A delivery line, written by {@link MailLog#logDelivery}: its outcome as fields. Such a line is
     * shown here and not to {@link #logged}.
     *
     * @param service the delivery agent as logged, such as {@code smtp}, {@code local}, {@code cleanup}
     */
    default void delivered(String service, DeliveryOutcome outcome) {
    }
}
