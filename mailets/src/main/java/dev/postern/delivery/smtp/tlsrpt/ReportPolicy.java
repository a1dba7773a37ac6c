package dev.postern.delivery.smtp.tlsrpt;

import java.util.List;

/**
 * The policy a session was judged by, as a report names it (RFC 8460 §4.4): its type
 * ({@code sts}, or {@code no-policy-found} when none could be fetched), its lines, its domain
 * and its mx patterns.
 */
public record ReportPolicy(String type, List<String> lines, String domain, List<String> mxHosts) {
    public ReportPolicy {
        lines = List.copyOf(lines);
        mxHosts = List.copyOf(mxHosts);
    }

    public static ReportPolicy noPolicyFound(String domain) {
        return new ReportPolicy("no-policy-found", List.of(), domain, List.of());
    }
}
