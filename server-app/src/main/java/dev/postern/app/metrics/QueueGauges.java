package dev.postern.app.metrics;

import java.time.Instant;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.function.Predicate;
import java.util.function.ToLongFunction;
import java.util.stream.Collectors;

import dev.postern.app.control.QueueEntry;
import io.prometheus.metrics.model.snapshots.GaugeSnapshot;
import io.prometheus.metrics.model.snapshots.Labels;
import io.prometheus.metrics.model.snapshots.MetricSnapshots;

/**
 * The queue as gauges at scrape time, from one listing (the same as {@code postern queue}'s):
 * messages and bytes per {@code queue_name} (active, deferred, hold; 0 when none), the age of the
 * oldest message and of the oldest deferred one, and the deferred messages per recipient domain
 * (the {@value #TOP_DOMAINS} with most, the rest summed as {@value #OTHER_DOMAINS}) and per
 * {@link DeferralReason}. Bounded label sets: a queue full of mail for many domains adds no series.
 */
public final class QueueGauges {
    static final int TOP_DOMAINS = 10;
    static final String OTHER_DOMAINS = "other";
    private static final List<String> QUEUE_NAMES = List.of(QueueEntry.ACTIVE, QueueEntry.DEFERRED, QueueEntry.HOLD);

    private QueueGauges() {
    }

    public static MetricSnapshots of(List<QueueEntry> entries, Instant now) {
        List<QueueEntry> deferred = entries.stream().filter(entry -> entry.queueName().equals(QueueEntry.DEFERRED)).toList();
        return MetricSnapshots.of(
            perQueue("postern_queue_messages", "Messages in the queue now, by queue_name as postern queue -j shows it.",
                entries, queue -> entries.stream().filter(inQueue(queue)).count()),
            perQueue("postern_queue_bytes", "Sum of the message_size of the messages in the queue now, by queue_name.",
                entries, queue -> entries.stream().filter(inQueue(queue)).mapToLong(QueueEntry::messageSize).sum()),
            // Held mail counts too: it is still the operator's to deliver or delete.
            single("postern_queue_oldest_message_age_seconds",
                "Seconds since the oldest queued or held message arrived; 0 when the queue is empty.", oldestAge(entries, now)),
            single("postern_queue_oldest_deferred_age_seconds",
                "Seconds since the oldest deferred message arrived; 0 when none is deferred.", oldestAge(deferred, now)),
            labelled("postern_queue_deferred_domain_messages",
                "Deferred messages per recipient domain of their delayed recipients (the " + TOP_DOMAINS
                    + " domains with most; the rest as domain=\"" + OTHER_DOMAINS + "\").",
                "domain", topDomains(deferred)),
            labelled("postern_queue_deferred_reason_messages",
                "Deferred messages per kind of delay reason: connection_refused, timeout, tls, reply_4xx, other.",
                "reason", reasons(deferred)));
    }

    private static Predicate<QueueEntry> inQueue(String queue) {
        return entry -> entry.queueName().equals(queue);
    }

    private static GaugeSnapshot perQueue(String name, String help, List<QueueEntry> entries,
                                          ToLongFunction<String> value) {
        Map<String, Long> values = new LinkedHashMap<>();
        QUEUE_NAMES.forEach(queue -> values.put(queue, value.applyAsLong(queue)));
        return labelled(name, help, "queue_name", values);
    }

    private static long oldestAge(List<QueueEntry> entries, Instant now) {
        return entries.stream().mapToLong(QueueEntry::arrivalTime).min()
            .stream().map(arrival -> Math.max(0, now.getEpochSecond() - arrival)).findFirst().orElse(0);
    }

    /** Each message once per domain of its delayed recipients, the biggest {@value #TOP_DOMAINS} by name. */
    public static Map<String, Long> topDomains(List<QueueEntry> deferred) {
        Map<String, Long> all = deferred.stream()
            .flatMap(entry -> entry.recipients().stream().filter(r -> r.delayReason() != null)
                .map(r -> domain(r.address())).distinct())
            .collect(Collectors.groupingBy(domain -> domain, TreeMap::new, Collectors.counting()));
        List<Map.Entry<String, Long>> ranked = all.entrySet().stream()
            .sorted(Map.Entry.<String, Long>comparingByValue(Comparator.reverseOrder()).thenComparing(Map.Entry.comparingByKey()))
            .toList();
        Map<String, Long> top = new TreeMap<>();
        ranked.stream().limit(TOP_DOMAINS).forEach(e -> top.put(e.getKey(), e.getValue()));
        long rest = ranked.stream().skip(TOP_DOMAINS).mapToLong(Map.Entry::getValue).sum();
        if (rest > 0) {
            top.merge(OTHER_DOMAINS, rest, Long::sum);
        }
        return top;
    }

    private static Map<String, Long> reasons(List<QueueEntry> deferred) {
        Map<String, Long> counts = new LinkedHashMap<>();
        for (DeferralReason reason : DeferralReason.values()) {
            counts.put(reason.label(), deferred.stream().filter(entry -> entry.recipients().stream()
                .map(QueueEntry.Recipient::delayReason).filter(Objects::nonNull)
                .anyMatch(text -> DeferralReason.of(text) == reason)).count());
        }
        return counts;
    }

    private static String domain(String address) {
        int at = address.lastIndexOf('@');
        return at < 0 ? "" : address.substring(at + 1).toLowerCase(Locale.ROOT);
    }

    private static GaugeSnapshot single(String name, String help, long value) {
        return GaugeSnapshot.builder().name(name).help(help)
            .dataPoint(GaugeSnapshot.GaugeDataPointSnapshot.builder().value(value).build()).build();
    }

    private static GaugeSnapshot labelled(String name, String help, String label, Map<String, Long> values) {
        GaugeSnapshot.Builder gauge = GaugeSnapshot.builder().name(name).help(help);
        values.forEach((value, count) -> gauge.dataPoint(GaugeSnapshot.GaugeDataPointSnapshot.builder()
            .labels(Labels.of(label, value)).value(count).build()));
        return gauge.build();
    }
}
