package dev.postern.delivery.smtp.tlsrpt;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Adds up the TLS sessions of each policy since the last report: successes, and failures by
 * result type, MX host and address (the grouping of RFC 8460 §4.4's failure-details). Held in
 * memory: a restart or a reload starts a new period.
 */
public final class TlsReportBook implements TlsResults {
    /** One line of failure-details; {@code reason} is the first failure's text. */
    public record FailureCount(ResultType type, String mxHost, String address, String reason, long count) {
    }

    /** The sessions of one policy in the period. */
    public record PolicyTally(ReportPolicy policy, long successes, List<FailureCount> failures) {
        public PolicyTally {
            failures = List.copyOf(failures);
        }

        public long failureCount() {
            return failures.stream().mapToLong(FailureCount::count).sum();
        }
    }

    private record Key(ResultType type, String mxHost, String address) {
    }

    private static final class Tally {
        long successes;
        final Map<Key, FailureCount> failures = new LinkedHashMap<>();
    }

    private final Map<ReportPolicy, Tally> tallies = new LinkedHashMap<>();

    @Override
    public synchronized void success(ReportPolicy policy) {
        tallies.computeIfAbsent(policy, p -> new Tally()).successes++;
    }

    @Override
    public synchronized void failure(ReportPolicy policy, Failure failure) {
        Tally tally = tallies.computeIfAbsent(policy, p -> new Tally());
        Key key = new Key(failure.type(), failure.mxHost(), failure.address());
        FailureCount before = tally.failures.get(key);
        tally.failures.put(key, before == null
            ? new FailureCount(failure.type(), failure.mxHost(), failure.address(), failure.detail(), 1)
            : new FailureCount(before.type(), before.mxHost(), before.address(), before.reason(), before.count() + 1));
    }

    /** The tallies of the period, grouped by policy domain, and a new period begins. */
    public synchronized Map<String, List<PolicyTally>> drain() {
        Map<String, List<PolicyTally>> byDomain = new LinkedHashMap<>();
        tallies.forEach((policy, tally) -> byDomain.computeIfAbsent(policy.domain(), d -> new ArrayList<>())
            .add(new PolicyTally(policy, tally.successes, new ArrayList<>(tally.failures.values()))));
        tallies.clear();
        return byDomain;
    }
}
