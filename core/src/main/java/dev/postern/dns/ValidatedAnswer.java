package dev.postern.dns;

import java.util.Objects;

/**
 * A DNS answer with its DNSSEC status, as RFC 4035 section 4.3 names them: {@code secure} when
 * every record of the answer (or the proof that there is none) was validated from a trust anchor;
 * otherwise insecure (the zone is provably unsigned, or not below a trust anchor). A bogus answer
 * (signatures that do not validate) is never returned as data: it is a temporary failure whose
 * reason says why, as a validating resolver answers SERVFAIL.
 *
 * @param answer the records, or why there are none
 * @param secure whether the answer was validated
 */
public record ValidatedAnswer(DnsAnswer answer, boolean secure) {
    public ValidatedAnswer {
        Objects.requireNonNull(answer, "answer");
        if (secure && answer.isTemporaryFailure()) {
            throw new IllegalArgumentException("a failed lookup cannot be secure");
        }
    }

    public static ValidatedAnswer secure(DnsAnswer answer) {
        return new ValidatedAnswer(answer, true);
    }

    public static ValidatedAnswer insecure(DnsAnswer answer) {
        return new ValidatedAnswer(answer, false);
    }
}
