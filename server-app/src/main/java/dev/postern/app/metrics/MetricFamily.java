package dev.postern.app.metrics;

import java.util.List;

/**
 * One metric as the Prometheus text format shows it: a name, its help and type, and its samples
 * (a histogram's are its {@code _bucket}, {@code _sum} and {@code _count} lines).
 */
public record MetricFamily(String name, String help, Type type, List<Sample> samples) {
    public enum Type {
        COUNTER, GAUGE, HISTOGRAM;

        String keyword() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    public MetricFamily {
        samples = List.copyOf(samples);
    }

    /** One line: the sample's full name (the family's, or with a histogram suffix), its labels in order, its value. */
    public record Sample(String name, List<Label> labels, double value) {
        public Sample {
            labels = List.copyOf(labels);
        }
    }

    public record Label(String name, String value) {
    }
}
