package dev.postern.app.metrics;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

/**
 * A histogram with fixed bucket bounds and label names. Buckets are cumulative as Prometheus
 * expects ({@code le} = less than or equal), ending with {@code +Inf}, which equals the count.
 */
final class HistogramFamily {
    private final String name;
    private final String help;
    private final double[] bounds;
    private final List<String> labelNames;
    private final ConcurrentMap<List<String>, Series> series = new ConcurrentHashMap<>();

    HistogramFamily(String name, String help, double[] bounds, String... labelNames) {
        for (int i = 1; i < bounds.length; i++) {
            if (bounds[i] <= bounds[i - 1]) {
                throw new IllegalArgumentException(name + ": bucket bounds must increase: " + Arrays.toString(bounds));
            }
        }
        this.name = name;
        this.help = help;
        this.bounds = bounds.clone();
        this.labelNames = List.of(labelNames);
    }

    void observe(double value, String... labelValues) {
        if (labelValues.length != labelNames.size()) {
            throw new IllegalArgumentException(name + " takes the labels " + labelNames + ", not " + List.of(labelValues));
        }
        series.computeIfAbsent(List.of(labelValues), key -> new Series(bounds.length)).observe(bucketOf(value), value);
    }

    private int bucketOf(double value) {
        for (int i = 0; i < bounds.length; i++) {
            if (value <= bounds[i]) {
                return i;
            }
        }
        return bounds.length;
    }

    MetricFamily snapshot() {
        List<MetricFamily.Sample> samples = new ArrayList<>();
        series.entrySet().stream()
            .sorted(Map.Entry.comparingByKey(Comparator.comparing(Object::toString)))
            .forEach(entry -> entry.getValue().write(CounterFamily.labels(labelNames, entry.getKey()), samples));
        return new MetricFamily(name, help, MetricFamily.Type.HISTOGRAM, samples);
    }

    /** One label combination's buckets; a scrape reads them, the sum and the count as one consistent set. */
    private final class Series {
        private final long[] perBucket;
        private double sum;
        private long count;

        Series(int bounds) {
            this.perBucket = new long[bounds + 1];
        }

        synchronized void observe(int bucket, double value) {
            perBucket[bucket]++;
            sum += value;
            count++;
        }

        synchronized void write(List<MetricFamily.Label> labels, List<MetricFamily.Sample> samples) {
            long cumulative = 0;
            for (int i = 0; i <= bounds.length; i++) {
                cumulative += perBucket[i];
                List<MetricFamily.Label> withLe = new ArrayList<>(labels);
                withLe.add(new MetricFamily.Label("le", i < bounds.length ? PrometheusText.value(bounds[i]) : "+Inf"));
                samples.add(new MetricFamily.Sample(name + "_bucket", withLe, cumulative));
            }
            samples.add(new MetricFamily.Sample(name + "_sum", labels, sum));
            samples.add(new MetricFamily.Sample(name + "_count", labels, count));
        }
    }
}
