package dev.postern.delivery.bounce;

import org.apache.mailet.DsnParameters.Notify;

/**
 * The three notices of Postfix's bounce daemon: a non-delivery notification (bounce), a delay
 * warning and a delivery status notification (success), with their RFC 3464 action, their DSN
 * NOTIFY keyword, and Postfix's subjects and log wording.
 */
public enum NoticeKind {
    FAILURE("failed", Notify.FAILURE, "Undelivered Mail Returned to Sender", "Postmaster Copy: Undelivered Mail",
        "non-delivery notification"),
    DELAY("delayed", Notify.DELAY, "Delayed Mail (still being retried)", "Postmaster Warning: Delayed Mail",
        "delay notification"),
    SUCCESS("delivered", Notify.SUCCESS, "Successful Mail Delivery Report", "Successful Mail Delivery Report",
        "delivery status notification");

    private final String action;
    private final Notify notify;
    private final String subject;
    private final String postmasterSubject;
    private final String logName;

    NoticeKind(String action, Notify notify, String subject, String postmasterSubject, String logName) {
        this.action = action;
        this.notify = notify;
        this.subject = subject;
        this.postmasterSubject = postmasterSubject;
        this.logName = logName;
    }

    /** The report's {@code Action:} value. */
    public String action() {
        return action;
    }

    /** The NOTIFY keyword that asks for this notice. */
    public Notify dsnNotify() {
        return notify;
    }

    public String subject(boolean postmasterCopy) {
        return postmasterCopy ? postmasterSubject : subject;
    }

    /** {@code sender non-delivery notification}, {@code postmaster delay notification}... */
    public String logText(boolean postmasterCopy) {
        return (postmasterCopy ? "postmaster " : "sender ") + logName;
    }
}
