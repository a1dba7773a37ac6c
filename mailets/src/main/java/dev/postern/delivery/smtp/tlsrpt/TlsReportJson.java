package dev.postern.delivery.smtp.tlsrpt;

import java.time.Instant;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.stream.Collectors;

/**
 * The aggregate report of RFC 8460 §4.4 as JSON: organization-name, date-range, contact-info,
 * report-id, and per policy its description, summary counts and failure-details.
 */
public final class TlsReportJson {
    private TlsReportJson() {
    }

    /** What one report is about. */
    public record Report(String organization, Instant start, Instant end, String contact, String reportId,
                         List<TlsReportBook.PolicyTally> policies) {
        public Report {
            policies = List.copyOf(policies);
        }
    }

    public static String write(Report report) {
        StringBuilder json = new StringBuilder("{");
        field(json, "organization-name", report.organization()).append(',');
        json.append(string("date-range")).append(":{");
        field(json, "start-datetime", time(report.start())).append(',');
        field(json, "end-datetime", time(report.end())).append("},");
        field(json, "contact-info", report.contact()).append(',');
        field(json, "report-id", report.reportId()).append(',');
        json.append(string("policies")).append(":[");
        json.append(report.policies().stream().map(TlsReportJson::policy).collect(Collectors.joining(",")));
        return json.append("]}").toString();
    }

    private static String policy(TlsReportBook.PolicyTally tally) {
        ReportPolicy policy = tally.policy();
        StringBuilder json = new StringBuilder("{").append(string("policy")).append(":{");
        field(json, "policy-type", policy.type());
        if (!policy.lines().isEmpty()) {
            json.append(',').append(string("policy-string")).append(':').append(array(policy.lines()));
        }
        json.append(',');
        field(json, "policy-domain", policy.domain());
        if (!policy.mxHosts().isEmpty()) {
            json.append(',').append(string("mx-host")).append(':').append(array(policy.mxHosts()));
        }
        json.append("},").append(string("summary")).append(":{")
            .append(string("total-successful-session-count")).append(':').append(tally.successes()).append(',')
            .append(string("total-failure-session-count")).append(':').append(tally.failureCount()).append('}');
        if (!tally.failures().isEmpty()) {
            json.append(',').append(string("failure-details")).append(":[")
                .append(tally.failures().stream().map(TlsReportJson::failure).collect(Collectors.joining(",")))
                .append(']');
        }
        return json.append('}').toString();
    }

    private static String failure(TlsReportBook.FailureCount failure) {
        StringBuilder json = new StringBuilder("{");
        field(json, "result-type", failure.type().keyword());
        if (!failure.address().isEmpty()) {
            json.append(',');
            field(json, "receiving-ip", failure.address());
        }
        if (!failure.mxHost().isEmpty()) {
            json.append(',');
            field(json, "receiving-mx-hostname", failure.mxHost());
        }
        json.append(',').append(string("failed-session-count")).append(':').append(failure.count());
        if (!failure.reason().isEmpty()) {
            json.append(',');
            field(json, "failure-reason-code", failure.reason());
        }
        return json.append('}').toString();
    }

    /** RFC 3339 date-time in UTC, to the second, as RFC 8460's example writes it. */
    static String time(Instant instant) {
        return DateTimeFormatter.ISO_INSTANT.format(instant.truncatedTo(ChronoUnit.SECONDS));
    }

    private static StringBuilder field(StringBuilder json, String name, String value) {
        return json.append(string(name)).append(':').append(string(value));
    }

    private static String array(List<String> values) {
        return values.stream().map(TlsReportJson::string).collect(Collectors.joining(",", "[", "]"));
    }

    /** A JSON string; every control character escaped (values come from remote servers). */
    static String string(String value) {
        StringBuilder out = new StringBuilder("\"");
        for (char c : value.toCharArray()) {
            switch (c) {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                default -> {
                    if (c < 0x20 || c == 0x7f || (c >= 0x80 && c < 0xa0) || c == 0x2028 || c == 0x2029) {
                        out.append(String.format("\\u%04x", (int) c));
                    } else {
                        out.append(c);
                    }
                }
            }
        }
        return out.append('"').toString();
    }
}
