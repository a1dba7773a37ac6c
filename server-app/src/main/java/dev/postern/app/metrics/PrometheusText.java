package dev.postern.app.metrics;

import java.util.List;
import java.util.stream.Collectors;

/**
 * The Prometheus text exposition format, version 0.0.4: per family a {@code # HELP} and a
 * {@code # TYPE} line, then one line per sample, {@code name{label="value",...} value}.
 */
public final class PrometheusText {
    public static final String CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";

    private PrometheusText() {
    }

    public static String write(List<MetricFamily> families) {
        StringBuilder out = new StringBuilder();
        for (MetricFamily family : families) {
            out.append("# HELP ").append(family.name()).append(' ').append(escapeHelp(family.help())).append('\n');
            out.append("# TYPE ").append(family.name()).append(' ').append(family.type().keyword()).append('\n');
            for (MetricFamily.Sample sample : family.samples()) {
                out.append(sample.name());
                if (!sample.labels().isEmpty()) {
                    out.append(sample.labels().stream()
                        .map(label -> label.name() + "=\"" + escapeLabelValue(label.value()) + "\"")
                        .collect(Collectors.joining(",", "{", "}")));
                }
                out.append(' ').append(value(sample.value())).append('\n');
            }
        }
        return out.toString();
    }

    /**
     * Whole numbers without a fraction (counts read better as {@code 3} than {@code 3.0}), the
     * format's spellings of the infinities and NaN, and Java's shortest exact form otherwise.
     */
    public static String value(double value) {
        if (Double.isNaN(value)) {
            return "NaN";
        }
        if (Double.isInfinite(value)) {
            return value > 0 ? "+Inf" : "-Inf";
        }
        if (value == Math.rint(value) && Math.abs(value) < 1e15) {
            return Long.toString((long) value);
        }
        return Double.toString(value);
    }

    /** In HELP text only the backslash and the line feed are escaped. */
    private static String escapeHelp(String help) {
        return help.replace("\\", "\\\\").replace("\n", "\\n");
    }

    /** In label values the double quote is escaped as well. */
    private static String escapeLabelValue(String value) {
        return value.replace("\\", "\\\\").replace("\"", "\\\"").replace("\n", "\\n");
    }
}
