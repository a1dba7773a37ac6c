package dev.postern.log;

import java.time.Duration;
import java.util.Objects;

/**
 * One thing that happened to the mail flow, as fields: handed to the mail log together with the
 * line that tells it ({@link MailLog#log(String, String, MailEvent)}), or alone where Postfix logs
 * nothing ({@link MailLog#record}), so that whatever counts the mail flow (the metrics) takes it
 * from the code that did it and never reads the log's text back.
 */
public interface MailEvent {
    /** smtpd accepted an SMTP connection ({@code connect from NAME[IP]}). */
    record Connection() implements MailEvent {
    }

    /**
     * A message entered the active queue ({@code QID: from=<s>, size=N, nrcpt=N (queue active)}).
     *
     * @param size       the message's size in bytes, as logged
     * @param recipients its number of recipients
     */
    record Received(long size, int recipients) implements MailEvent {
    }

    /**
     * smtpd refused a command ({@code QID|NOQUEUE: reject: WHERE from NAME[IP]: CODE ...}).
     *
     * @param code        the reply code, such as {@code 554}
     * @param restriction the kind of restriction that decided, as the restriction engine names it
     *                    ({@code relay_denied}, {@code blocked}, ...), or {@code other} when none did
     */
    record Reject(String code, String restriction) implements MailEvent {
        public Reject {
            Objects.requireNonNull(code, "code");
            Objects.requireNonNull(restriction, "restriction");
        }
    }

    /** The bounce daemon sent the sender a non-delivery notification ({@code sender non-delivery notification: QID}). */
    record Bounce() implements MailEvent {
    }

    /** qmgr returned a message to its sender after maximal_queue_lifetime ({@code status=expired, returned to sender}). */
    record Expired() implements MailEvent {
    }

    /** A HOLD action of smtpd or cleanup set a message aside ({@code QID: hold: ...}). */
    record Hold() implements MailEvent {
    }

    /** A DISCARD action of smtpd or cleanup dropped a message ({@code QID: discard: ...}). */
    record Discard() implements MailEvent {
    }

    /**
     * One of postscreen's verdict lines ({@code PASS NEW}, {@code DNSBL rank}, ...).
     *
     * @param verdict the line's leading words in lower case with {@code _}: {@code pass_new}, {@code dnsbl}, ...
     */
    record PostscreenVerdict(String verdict) implements MailEvent {
        public PostscreenVerdict {
            Objects.requireNonNull(verdict, "verdict");
        }
    }

    /**
     * smtpd queued a message after the end of its DATA and is about to answer {@code 250}: the time the
     * queue took to have it on disk. No log line tells it.
     */
    record QueueWrite(Duration elapsed) implements MailEvent {
        public QueueWrite {
            Objects.requireNonNull(elapsed, "elapsed");
        }

        public double seconds() {
            return Math.max(0, elapsed.toNanos() / 1e9);
        }
    }

    /**
     * A milter's final word on a connection, a command or a message: accept, reject, tempfail,
     * discard, shutdown (and the default action of a filter that failed, as its action).
     *
     * @param milter the filter's name as configured ({@code inet:127.0.0.1:8891})
     * @param action its reply in lower case
     */
    record MilterDecision(String milter, String action) implements MailEvent {
        public MilterDecision {
            Objects.requireNonNull(milter, "milter");
            Objects.requireNonNull(action, "action");
        }
    }

    /**
     * A policy service's answer to a {@code check_policy_service} (or its default action when it
     * gave none).
     *
     * @param service the service's address as configured ({@code inet:127.0.0.1:10023})
     * @param action  the answer's action word in lower case ({@code dunno}, {@code reject}, ...), or
     *                {@code 4xx}/{@code 5xx} for a bare reply code
     */
    record PolicyDecision(String service, String action) implements MailEvent {
        public PolicyDecision {
            Objects.requireNonNull(service, "service");
            Objects.requireNonNull(action, "action");
        }
    }
}
