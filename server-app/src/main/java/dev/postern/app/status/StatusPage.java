package dev.postern.app.status;

import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Comparator;
import java.util.List;
import java.util.Map;

import dev.postern.app.control.QueueEntry;
import dev.postern.app.metrics.QueueGauges;

/**
 * The HTML of {@code /status}: what an operator looks at to see what is stuck and why. Plain,
 * server-rendered, no script or external asset; it reloads itself every {@value #REFRESH_SECONDS} s.
 */
final class StatusPage {
    static final int REFRESH_SECONDS = 30;
    static final int OLDEST_SHOWN = 20;
    private static final List<String> QUEUES = List.of(QueueEntry.ACTIVE, QueueEntry.DEFERRED, QueueEntry.HOLD);
    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss 'UTC'").withZone(ZoneOffset.UTC);

    /**
     * @param host       myhostname
     * @param generation the configuration generation running (0 until the first reload)
     * @param uptime     since the server started
     * @param received   messages received per minute over the last hour, the oldest first
     * @param rejects    rejected SMTP commands per minute over the last hour
     */
    record Facts(String host, long generation, Duration uptime, Instant now, List<QueueEntry> entries,
                 long[] received, long[] rejects) {
    }

    private StatusPage() {
    }

    static String render(Facts facts) {
        StringBuilder html = new StringBuilder();
        html.append("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">")
            .append("<meta http-equiv=\"refresh\" content=\"").append(REFRESH_SECONDS).append("\">")
            .append("<meta name=\"viewport\" content=\"width=device-width\">")
            .append("<title>Postern status: ").append(Html.escape(facts.host())).append("</title><style>")
            .append("body{font-family:sans-serif;margin:1em 2em;color:#222}table{border-collapse:collapse;margin-bottom:1em}")
            .append("th,td{border:1px solid #ccc;padding:.2em .6em;text-align:left}td.n{text-align:right}")
            .append("figure{display:inline-block;margin:0 2em 1em 0}</style></head><body>\n");
        html.append("<h1>Postern on ").append(Html.escape(facts.host())).append("</h1>\n<p>Up ")
            .append(duration(facts.uptime())).append(" · configuration generation ").append(facts.generation())
            .append(" · as of ").append(TIME.format(facts.now())).append(" (reloads every ").append(REFRESH_SECONDS)
            .append(" s)</p>\n");
        queues(html, facts.entries());
        html.append("<h2>Last hour</h2>\n<figure>").append(Sparkline.svg(facts.received(), "Messages received per minute"))
            .append("<figcaption>Received per minute</figcaption></figure><figure>")
            .append(Sparkline.svg(facts.rejects(), "SMTP commands rejected per minute"))
            .append("<figcaption>Rejects per minute</figcaption></figure>\n");
        deferralDestinations(html, facts.entries());
        oldest(html, facts.entries(), facts.now());
        return html.append("</body></html>\n").toString();
    }

    private static void queues(StringBuilder html, List<QueueEntry> entries) {
        html.append("<h2>Queues</h2>\n<table><thead><tr><th scope=\"col\">queue</th><th scope=\"col\">messages</th>")
            .append("<th scope=\"col\">bytes</th></tr></thead><tbody>");
        for (String queue : QUEUES) {
            List<QueueEntry> in = entries.stream().filter(entry -> entry.queueName().equals(queue)).toList();
            html.append("<tr><th scope=\"row\">").append(queue).append("</th><td class=\"n\">").append(in.size())
                .append("</td><td class=\"n\">").append(in.stream().mapToLong(QueueEntry::messageSize).sum()).append("</td></tr>");
        }
        html.append("</tbody></table>\n");
    }

    private static void deferralDestinations(StringBuilder html, List<QueueEntry> entries) {
        Map<String, Long> domains = QueueGauges.topDomains(
            entries.stream().filter(entry -> entry.queueName().equals(QueueEntry.DEFERRED)).toList());
        html.append("<h2>Top deferral destinations</h2>\n");
        if (domains.isEmpty()) {
            html.append("<p>No deferred mail.</p>\n");
            return;
        }
        html.append("<table><thead><tr><th scope=\"col\">domain</th><th scope=\"col\">deferred messages</th></tr></thead><tbody>");
        domains.entrySet().stream().sorted(Map.Entry.<String, Long>comparingByValue().reversed())
            .forEach(e -> html.append("<tr><td>").append(Html.escape(e.getKey())).append("</td><td class=\"n\">")
                .append(e.getValue()).append("</td></tr>"));
        html.append("</tbody></table>\n");
    }

    private static void oldest(StringBuilder html, List<QueueEntry> entries, Instant now) {
        html.append("<h2>Oldest messages</h2>\n");
        if (entries.isEmpty()) {
            html.append("<p>The queue is empty.</p>\n");
            return;
        }
        html.append("<table><thead><tr><th scope=\"col\">queue ID</th><th scope=\"col\">queue</th><th scope=\"col\">age</th>")
            .append("<th scope=\"col\">size</th><th scope=\"col\">sender</th><th scope=\"col\">recipient</th>")
            .append("<th scope=\"col\">reason</th></tr></thead><tbody>");
        entries.stream().sorted(Comparator.comparingLong(QueueEntry::arrivalTime)).limit(OLDEST_SHOWN).forEach(entry -> {
            for (QueueEntry.Recipient recipient : entry.recipients()) {
                html.append("<tr><td>").append(Html.escape(entry.queueId())).append("</td><td>").append(entry.queueName())
                    .append("</td><td>").append(duration(Duration.ofSeconds(Math.max(0, now.getEpochSecond() - entry.arrivalTime()))))
                    .append("</td><td class=\"n\">").append(entry.messageSize()).append("</td><td>")
                    .append(Html.escape(entry.sender().isEmpty() ? "<>" : entry.sender())).append("</td><td>")
                    .append(Html.escape(recipient.address())).append("</td><td>")
                    .append(Html.escape(recipient.reason().orElse(entry.queueName().equals(QueueEntry.HOLD) ? "on hold" : "")))
                    .append("</td></tr>");
            }
        });
        html.append("</tbody></table>\n");
    }

    /** {@code 2d 3h}, {@code 4h 5m}, {@code 6m 7s}: the two biggest units. */
    static String duration(Duration duration) {
        long s = duration.getSeconds();
        if (s >= 86400) {
            return s / 86400 + "d " + s % 86400 / 3600 + "h";
        }
        if (s >= 3600) {
            return s / 3600 + "h " + s % 3600 / 60 + "m";
        }
        return s / 60 + "m " + s % 60 + "s";
    }
}
