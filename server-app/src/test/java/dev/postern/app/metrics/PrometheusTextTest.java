package dev.postern.app.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;

import org.junit.jupiter.api.Test;

import dev.postern.app.metrics.MetricFamily.Label;
import dev.postern.app.metrics.MetricFamily.Sample;

class PrometheusTextTest {
    @Test
    void familiesHaveHelpTypeAndOneLinePerSample() {
        String text = PrometheusText.write(List.of(
            new MetricFamily("postern_x_total", "What x counts.", MetricFamily.Type.COUNTER,
                List.of(new Sample("postern_x_total", List.of(), 3))),
            new MetricFamily("postern_y", "Y now.", MetricFamily.Type.GAUGE, List.of(
                new Sample("postern_y", List.of(new Label("queue_name", "active"), new Label("kind", "a")), 0.25),
                new Sample("postern_y", List.of(new Label("queue_name", "hold"), new Label("kind", "b")), 12)))));

        assertThat(text).isEqualTo("""
            # HELP postern_x_total What x counts.
            # TYPE postern_x_total counter
            postern_x_total 3
            # HELP postern_y Y now.
            # TYPE postern_y gauge
            postern_y{queue_name="active",kind="a"} 0.25
            postern_y{queue_name="hold",kind="b"} 12
            """);
    }

    @Test
    void helpAndLabelValuesAreEscaped() {
        String text = PrometheusText.write(List.of(new MetricFamily("m", "a \\ b\nc \"q\"", MetricFamily.Type.GAUGE,
            List.of(new Sample("m", List.of(new Label("l", "x\\y\"z\nw")), 1)))));

        assertThat(text).isEqualTo("# HELP m a \\\\ b\\nc \"q\"\n# TYPE m gauge\nm{l=\"x\\\\y\\\"z\\nw\"} 1\n");
    }

    @Test
    void valuesUseTheFormatsSpellings() {
        assertThat(PrometheusText.value(0)).isEqualTo("0");
        assertThat(PrometheusText.value(3600)).isEqualTo("3600");
        assertThat(PrometheusText.value(0.1)).isEqualTo("0.1");
        assertThat(PrometheusText.value(1.5e20)).isEqualTo("1.5E20");
        assertThat(PrometheusText.value(Double.POSITIVE_INFINITY)).isEqualTo("+Inf");
        assertThat(PrometheusText.value(Double.NEGATIVE_INFINITY)).isEqualTo("-Inf");
        assertThat(PrometheusText.value(Double.NaN)).isEqualTo("NaN");
    }
}
