package dev.postern.delivery.bounce;

import java.time.Instant;
import java.util.List;

import org.apache.james.core.MailAddress;
import org.apache.mailet.Mail;

import dev.postern.delivery.RecipientResult;

/**
 * One notification to write: its kind, whom it goes to, and what it reports on.
 *
 * @param postmasterCopy a notice to the postmaster rather than to the original sender (subject wording)
 * @param queueId the original message's queue ID
 * @param notificationId the queue ID of the notification itself (its Message-ID)
 * @param arrival when the original message arrived
 * @param now when the notification is written (Date, and the base of nothing else)
 * @param returnFull part 3 is the whole original ({@code message/rfc822}) rather than its headers
 */
record ReportRequest(NoticeKind kind, boolean postmasterCopy, Mail original, String queueId, String notificationId,
                     List<RecipientResult> results, MailAddress to, Instant arrival, Instant now, boolean returnFull) {
    ReportRequest {
        results = List.copyOf(results);
    }
}
