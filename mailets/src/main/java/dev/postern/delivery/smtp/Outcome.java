package dev.postern.delivery.smtp;

import java.time.Instant;
import java.util.Optional;

import org.apache.james.core.MailAddress;

import dev.postern.delivery.RecipientResult;
import dev.postern.delivery.RecipientResult.Status;

/**
 * What a server (or the lack of one) decided for a recipient, before the courier knows which
 * relay to name: the status, the enhanced code, the log text and, when a server replied, the
 * remote host and its reply for the bounce report.
 */
public record Outcome(Status status, String dsn, String text, Optional<String> remoteHost, Optional<SmtpReply> reply) {

    /** A failure without a server reply (DNS, connection, TLS, timeout). */
    public static Outcome failure(boolean permanent, String dsn, String text) {
        return new Outcome(permanent ? Status.BOUNCED : Status.DEFERRED, dsn, text, Optional.empty(), Optional.empty());
    }

    /**
     * The outcome of a reply to a command: 2xx sent with the reply as its text, 4xx deferred and
     * 5xx bounced with {@code host H[IP] said: REPLY (in reply to COMMAND command)}.
     */
    public static Outcome ofReply(Target target, SmtpReply reply, String command) {
        if (reply.isPositive()) {
            return new Outcome(Status.SENT, reply.dsn(), reply.text(), Optional.of(target.hostname()), Optional.of(reply));
        }
        return new Outcome(reply.isPermanent() ? Status.BOUNCED : Status.DEFERRED, reply.dsn(),
            "host " + target.peer() + " said: " + reply.text() + " (in reply to " + command + " command)",
            Optional.of(target.hostname()), Optional.of(reply));
    }

    /** The same outcome, deferred: a server refused, but another may still accept later. */
    public Outcome asDeferral() {
        if (status == Status.DEFERRED) {
            return this;
        }
        return new Outcome(Status.DEFERRED, "4" + dsn.substring(1), text, remoteHost, reply);
    }

    public RecipientResult toResult(MailAddress recipient, String relay, Instant connected) {
        RecipientResult result = new RecipientResult(recipient, status, dsn, relay, text, Optional.empty(),
            Optional.empty(), connected);
        if (remoteHost.isPresent() && reply.isPresent()) {
            return result.withRemote(remoteHost.get(), reply.get().text());
        }
        return result;
    }
}
