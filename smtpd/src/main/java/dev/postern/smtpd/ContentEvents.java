package dev.postern.smtpd;

import dev.postern.cleanup.ContentOutcome;
import dev.postern.log.MailEvent;
import dev.postern.log.MailLog;

/**
 * The events of cleanup's header and body checks: the inspection writes its {@code hold:} and
 * {@code discard:} lines itself (one of each at most), and its outcome says which it wrote.
 */
final class ContentEvents {
    private ContentEvents() {
    }

    static void record(MailLog cleanupLog, ContentOutcome outcome) {
        if (outcome.hold().isPresent()) {
            cleanupLog.record("cleanup", new MailEvent.Hold());
        }
        if (outcome.discard().isPresent()) {
            cleanupLog.record("cleanup", new MailEvent.Discard());
        }
    }
}
