package dev.postern.smtpd.sasl;

/** What a SASL server answers to one client response: the SMTP reply follows from it. */
public sealed interface SaslStep {
    /** The exchange goes on: {@code 334} and this base64 challenge (empty for none). */
    record Challenge(String base64) implements SaslStep {
    }

    /** The client is authenticated as this login name: {@code 235}. */
    record Success(String username) implements SaslStep {
    }

    /** The credentials were refused: {@code 535}, the reason in the reply and the log warning. */
    record Failure(String reason) implements SaslStep {
    }

    /** The server could not decide (unreachable, lost, timed out): {@code 454}, the client may retry. */
    record Unavailable(String reason) implements SaslStep {
    }

    /** The client's response does not have the form its mechanism requires: {@code 501}. */
    record Malformed() implements SaslStep {
    }
}
