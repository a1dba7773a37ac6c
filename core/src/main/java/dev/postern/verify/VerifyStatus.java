package dev.postern.verify;

import java.util.Objects;

/**
 * What verification knows about an address: Postfix's {@code DEL_RCPT_STAT_*} with the next hop's or
 * delivery agent's text ({@code host h[ip] said: 550 5.1.1 ... (in reply to RCPT TO command)}).
 */
public record VerifyStatus(Status status, String text) {
    /** Postfix's text for an address whose first probe has not come back. */
    public static final String IN_PROGRESS_TEXT = "Address verification in progress";

    /** Postfix's cache codes: 0 ok, 1 defer, 2 bounce, 3 todo. */
    public enum Status {
        DELIVERABLE, DEFERRED, UNDELIVERABLE, IN_PROGRESS
    }

    public VerifyStatus {
        Objects.requireNonNull(status, "status");
        text = text == null ? "" : text.replaceAll("[\\r\\n\\t]+", " ");
    }

    public static VerifyStatus inProgress() {
        return new VerifyStatus(Status.IN_PROGRESS, IN_PROGRESS_TEXT);
    }
}
