package dev.postern.app.metrics;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.atomic.LongAdder;

/** A counter with fixed label names; each combination of label values counts on its own. */
final class CounterFamily {
    private final String name;
    private final String help;
    private final List<String> labelNames;
    private final ConcurrentMap<List<String>, LongAdder> counts = new ConcurrentHashMap<>();

    CounterFamily(String name, String help, String... labelNames) {
        this.name = name;
        this.help = help;
        this.labelNames = List.of(labelNames);
        if (labelNames.length == 0) {
            // A counter without labels reads 0 before its first event, rather than being absent.
            counts.put(List.of(), new LongAdder());
        }
    }

    void increment(String... labelValues) {
        add(1, labelValues);
    }

    void add(long amount, String... labelValues) {
        if (labelValues.length != labelNames.size()) {
            throw new IllegalArgumentException(name + " takes the labels " + labelNames + ", not " + List.of(labelValues));
        }
        counts.computeIfAbsent(List.of(labelValues), key -> new LongAdder()).add(amount);
    }

    MetricFamily snapshot() {
        List<MetricFamily.Sample> samples = new ArrayList<>();
        counts.entrySet().stream()
            .sorted(Map.Entry.comparingByKey(Comparator.comparing(Object::toString)))
            .forEach(entry -> samples.add(new MetricFamily.Sample(name, labels(labelNames, entry.getKey()), entry.getValue().sum())));
        return new MetricFamily(name, help, MetricFamily.Type.COUNTER, samples);
    }

    static List<MetricFamily.Label> labels(List<String> names, List<String> values) {
        List<MetricFamily.Label> labels = new ArrayList<>();
        for (int i = 0; i < names.size(); i++) {
            labels.add(new MetricFamily.Label(names.get(i), values.get(i)));
        }
        return labels;
    }
}
