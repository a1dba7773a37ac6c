package dev.postern.delivery;

import java.time.Instant;
import java.util.Optional;

import org.apache.james.core.MailAddress;

/**
 * What happened to one recipient, in the terms of Postfix's delivery log line
 * {@code to=<r>, relay=RELAY, delay=, delays=, dsn=DSN, status=STATUS (TEXT)} and of the RFC 3464
 * report a bounce carries.
 *
 * @param dsn the enhanced status code, {@code 2.0.0}, {@code 4.4.1}, {@code 5.1.1}...
 * @param relay {@code host[ip]:port} of the next hop, {@code local}, or {@code none}
 * @param text the log's parenthesised text: {@code 250 2.0.0 Ok: queued as X}, {@code host
 *            h[ip] said: 550 5.1.1 ... (in reply to RCPT TO command)}, {@code connect to
 *            h[ip]:25: Connection refused}, {@code delivered to maildir}
 * @param remoteMta the remote host that answered, for the report's {@code Remote-MTA: dns; h}
 * @param diagnostic the report's {@code Diagnostic-Code} without its type: the remote reply
 *            ({@code smtp; 550 5.1.1 ...}) when there is one
 * @param connected when the connection (or mailbox) was ready: delays' "c" ends here
 */
public record RecipientResult(MailAddress recipient, Status status, String dsn, String relay, String text,
                              Optional<String> remoteMta, Optional<String> diagnostic, Instant connected) {

    /** A recipient's outcome. */
    public enum Status {
        SENT("sent"), DEFERRED("deferred"), BOUNCED("bounced");

        private final String logName;

        Status(String logName) {
            this.logName = logName;
        }

        /** The {@code status=} word of the log line. */
        public String logName() {
            return logName;
        }
    }

    public RecipientResult {
        if (!dsn.matches("[245]\\.[0-9]{1,3}\\.[0-9]{1,3}")) {
            throw new IllegalArgumentException("not an enhanced status code: " + dsn);
        }
        text = text.replaceAll("[\\r\\n]+", " ");
    }

    public static RecipientResult sent(MailAddress recipient, String dsn, String relay, String text, Instant connected) {
        return new RecipientResult(recipient, Status.SENT, dsn, relay, text, Optional.empty(), Optional.empty(), connected);
    }

    public static RecipientResult deferred(MailAddress recipient, String dsn, String relay, String text, Instant connected) {
        return new RecipientResult(recipient, Status.DEFERRED, dsn, relay, text, Optional.empty(), Optional.empty(),
            connected);
    }

    public static RecipientResult bounced(MailAddress recipient, String dsn, String relay, String text, Instant connected) {
        return new RecipientResult(recipient, Status.BOUNCED, dsn, relay, text, Optional.empty(), Optional.empty(),
            connected);
    }

    /** The same result with the remote MTA and its reply, for the bounce report. */
    public RecipientResult withRemote(String host, String reply) {
        return new RecipientResult(recipient, status, dsn, relay, text, Optional.of(host), Optional.of("smtp; " + reply),
            connected);
    }

    /**
     * A 4xx or 5xx remote reply decides deferred or bounced; {@code soft_bounce} turns bounces into
     * deferrals (5.x.x becomes 4.x.x), as Postfix does.
     */
    public RecipientResult softBounced() {
        if (status != Status.BOUNCED) {
            return this;
        }
        return new RecipientResult(recipient, Status.DEFERRED, "4" + dsn.substring(1), relay, text, remoteMta, diagnostic,
            connected);
    }
}
