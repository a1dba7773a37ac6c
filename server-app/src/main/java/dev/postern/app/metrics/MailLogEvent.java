package dev.postern.app.metrics;

/**
 * What one mail log line tells about the mail flow, as far as the metrics count it. Each kind
 * is the line of one Postfix daemon (docs/logging-and-metrics.md).
 */
public sealed interface MailLogEvent {
    /** smtpd: {@code connect from NAME[IP]}. */
    record Connection() implements MailLogEvent {
    }

    /** qmgr: {@code QID: from=<s>, size=N, nrcpt=N (queue active)}, once per accepted message. */
    record Received(long size) implements MailLogEvent {
    }

    /** smtpd: {@code NOQUEUE: reject: RCPT from NAME[IP]: 554 5.7.1 ...} (or {@code QID: reject: ...}). */
    record Reject(String code, RejectRestriction restriction) implements MailLogEvent {
    }

    /**
     * A delivery agent's line for one recipient: {@code QID: to=<r>, relay=..., delay=N, ..., status=S (...)}.
     *
     * @param transport the daemon that logged it: smtp, lmtp, local, virtual, error, retry, discard
     *                  (qmgr when the queue manager deferred the recipient itself)
     * @param status    sent, deferred, bounced (or expired)
     */
    record Delivery(String transport, String status, double delaySeconds) implements MailLogEvent {
    }

    /** bounce: {@code QID: sender non-delivery notification: QID2}. */
    record Bounce() implements MailLogEvent {
    }

    /** qmgr: {@code QID: from=<s>, status=expired, returned to sender}. */
    record Expired() implements MailLogEvent {
    }

    /** smtpd or cleanup: {@code QID: hold: ...}, mail set aside by an access(5) or header/body HOLD. */
    record Hold() implements MailLogEvent {
    }

    /** smtpd or cleanup: {@code QID: discard: ...}, mail dropped by a DISCARD action. */
    record Discard() implements MailLogEvent {
    }

    /**
     * postscreen: one of its verdict lines, {@code CONNECT from}, {@code PASS NEW}, {@code PASS OLD},
     * {@code PREGREET}, {@code DNSBL rank}, {@code DENYLISTED}, {@code ALLOWLISTED}, {@code HANGUP},
     * {@code DISCONNECT}, {@code COMMAND PIPELINING}, {@code NON-SMTP COMMAND}, {@code BARE NEWLINE}.
     *
     * @param event the line's leading words in lower case with {@code _}: {@code pass_new}, {@code dnsbl}, ...
     */
    record Postscreen(String event) implements MailLogEvent {
    }
}
