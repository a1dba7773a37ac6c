package dev.postern.dns;

import java.util.List;
import java.util.Objects;

/**
 * The answer to one DNS question. Postfix's checks treat "no such name" and "no data" alike
 * (the name is unknown), but a temporary failure (timeout, SERVFAIL, unreachable server)
 * never counts as "unknown": it defers or skips the check. The two not-found kinds are kept
 * apart only for log texts.
 *
 * @param status what came back
 * @param values the records when FOUND: an address in textual form (A, AAAA), the exchange
 *               host (MX, in preference order, lowest first; empty for the null MX {@code 0 .}), the server (NS), the joined strings of one TXT
 *               record, the target name (PTR); host names without their trailing dot
 * @param preferences the MX preferences of the values, in the same order, when the lookup knew
 *               them; empty otherwise (the order of the values is then the only preference)
 * @param reason why there is no answer, for logs; empty when FOUND
 */
public record DnsAnswer(Status status, List<String> values, List<Integer> preferences, String reason) {

    public enum Status {
        FOUND,
        /** NXDOMAIN: the name does not exist. */
        NO_SUCH_NAME,
        /** NODATA: the name exists without records of the type asked. */
        NO_DATA,
        /** Timeout, SERVFAIL, refusal, network error: the answer is unknown. */
        TEMPORARY_FAILURE
    }

    public DnsAnswer {
        Objects.requireNonNull(status, "status");
        values = List.copyOf(values);
        preferences = List.copyOf(preferences);
        if (!preferences.isEmpty() && preferences.size() != values.size()) {
            throw new IllegalArgumentException("one preference per value, or none");
        }
        reason = reason == null ? "" : reason;
        if (status == Status.FOUND && values.isEmpty()) {
            throw new IllegalArgumentException("a FOUND answer has records");
        }
    }

    public DnsAnswer(Status status, List<String> values, String reason) {
        this(status, values, List.of(), reason);
    }

    public static DnsAnswer found(List<String> values) {
        return new DnsAnswer(Status.FOUND, values, "");
    }

    /** An MX answer: the exchange hosts in preference order, with their preferences. */
    public static DnsAnswer foundMx(List<String> hosts, List<Integer> preferences) {
        return new DnsAnswer(Status.FOUND, hosts, preferences, "");
    }

    /**
     * The MX hosts of the lowest preference (the primary MX hosts); without known preferences,
     * the first value alone.
     */
    public List<String> primaryMx() {
        if (values.isEmpty()) {
            return List.of();
        }
        if (preferences.isEmpty()) {
            return List.of(values.get(0));
        }
        int lowest = preferences.get(0);
        int end = 0;
        while (end < values.size() && preferences.get(end) == lowest) {
            end++;
        }
        return values.subList(0, end);
    }

    public static DnsAnswer noSuchName(String reason) {
        return new DnsAnswer(Status.NO_SUCH_NAME, List.of(), reason);
    }

    public static DnsAnswer noData(String reason) {
        return new DnsAnswer(Status.NO_DATA, List.of(), reason);
    }

    public static DnsAnswer temporaryFailure(String reason) {
        return new DnsAnswer(Status.TEMPORARY_FAILURE, List.of(), reason);
    }

    public boolean isFound() {
        return status == Status.FOUND;
    }

    public boolean isNotFound() {
        return status == Status.NO_SUCH_NAME || status == Status.NO_DATA;
    }

    public boolean isTemporaryFailure() {
        return status == Status.TEMPORARY_FAILURE;
    }

    /** RFC 7505: the domain's only MX is {@code 0 .}, it accepts no mail (asked of an MX answer). */
    public boolean isNullMx() {
        return isFound() && values.stream().allMatch(String::isEmpty);
    }
}
