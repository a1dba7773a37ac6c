package dev.postern.app.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.postern.app.harness.Await;
import dev.postern.app.harness.FreePorts;
import dev.postern.app.harness.PosternExtension;
import dev.postern.app.harness.PosternProcess;
import dev.postern.app.harness.PrometheusServer;
import dev.postern.app.harness.SmtpClient;
import dev.postern.testing.smtp.SmtpSink;

/**
 * The shipped monitoring (docker/monitoring/) against Debian's Prometheus: it scrapes a running
 * Postern on {@code postern_metrics_listen} while mail flows (two relayed messages, one deferred by
 * the next hop, one recipient refused), and PromQL over its HTTP API sees exactly that; the alert
 * rules pass {@code promtool check rules} and {@code promtool test rules} (a synthetic series fires
 * the queue-growth alert); every expression of the Grafana dashboard evaluates without error, and
 * with data, against the scraped metrics. One Postern and one Prometheus for the class.
 */
class PrometheusIT {
    private static final Path MONITORING = Path.of("..", "docker", "monitoring").toAbsolutePath().normalize();
    private static final String SENDER = "alice@client.example";
    private static final String LATER = "later@slow.example";
    private static final Duration WAIT = Duration.ofSeconds(90);

    @RegisterExtension
    static final PosternExtension postern = new PosternExtension();
    @TempDir
    static Path prometheusDirectory;
    private static PosternProcess server;
    private static PrometheusServer prometheus;
    /** The harness's own connections while it waited for the server to be ready. */
    private static double connectionsBefore;

    @BeforeAll
    static void mailFlowsWhilePrometheusScrapes() {
        SmtpSink sink = postern.newSink()
            .setRcptReply(recipient -> recipient.equals(LATER) ? "450 4.2.0 <" + LATER + ">: try again later" : "250 2.1.5 Ok");
        int scrapePort = FreePorts.allocate();
        server = postern.newServer().myhostname("mx.prometheus-it.test").relayhost(sink)
            .parameter("postern_metrics_listen", "127.0.0.1:" + scrapePort).start();
        prometheus = new PrometheusServer(prometheusDirectory)
            .start("127.0.0.1:" + scrapePort, List.of(MONITORING.resolve("alerts.yml")));
        Await.until("Prometheus scraping Postern", WAIT, () -> prometheus.scalar("up{job=\"postern\"}") == 1.0);
        connectionsBefore = prometheus.scalar("postern_smtpd_connections_total");

        LocalDeliveryIT.send(server, SENDER, "bob@remote.example", "prometheus-1");
        LocalDeliveryIT.send(server, SENDER, "carol@remote.example", "prometheus-2");
        LocalDeliveryIT.send(server, SENDER, LATER, "prometheus-3");
        try (SmtpClient client = server.connectFrom("127.0.0.2")) {
            client.ehlo("outsider.example");
            assertThat(client.mailFrom("spammer@outsider.example").code()).isEqualTo(250);
            assertThat(client.rcptTo("x@remote.example").code()).isEqualTo(454);
            client.quit();
        }
        sink.awaitMessages(2, WAIT);
    }

    @AfterAll
    static void stopPrometheus() {
        if (prometheus != null) {
            prometheus.close();
        }
    }

    @Test
    void promqlSeesTheMailThatFlowed() {
        Map<String, Double> expected = new LinkedHashMap<>();
        expected.put("postern_messages_received_total{job=\"postern\"}", 3.0);
        expected.put("sum(postern_deliveries_total{status=\"sent\",transport=\"smtp\"})", 2.0);
        expected.put("sum(postern_deliveries_total{status=\"deferred\"})", 1.0);
        expected.put("sum by (restriction) (postern_smtpd_rejects_total{restriction=\"relay_denied\"})", 1.0);
        expected.put("postern_queue_messages{queue_name=\"deferred\"}", 1.0);
        expected.put("postern_queue_deferred_domain_messages{domain=\"slow.example\"}", 1.0);
        expected.put("postern_queue_deferred_reason_messages{reason=\"reply_4xx\"}", 1.0);
        expected.put("postern_smtpd_connections_total", connectionsBefore + 4);
        Map<String, Double> seen = Await.value("Prometheus's view of the mail flow", WAIT, () -> values(expected.keySet()),
            expected::equals);
        assertThat(seen).isEqualTo(expected);
        assertThat(prometheus.scalar("sum(jvm_memory_used_bytes{area=\"heap\"})")).as("the JVM metrics").isPositive();
        assertThat(prometheus.query("ALERTS{alertname=\"PosternDown\"}").path("result")).as("the server is up").isEmpty();
    }

    @Test
    void theAlertRulesPassPromtoolAndTheQueueGrowthAlertFires() {
        assertThat(promtool("check", "rules", "alerts.yml")).contains("SUCCESS: 5 rules found");
        String test = promtool("test", "rules", "alerts-test.yml");
        assertThat(test).contains("SUCCESS");
        assertThat(read(MONITORING.resolve("alerts-test.yml"))).as("the test fires the queue-growth alert")
            .contains("alertname: PosternQueueGrowing\n        exp_alerts:\n          - exp_labels:");
    }

    @Test
    void everyDashboardExpressionEvaluatesAgainstTheScrapedMetrics() throws IOException {
        JsonNode dashboard = new ObjectMapper().readTree(MONITORING.resolve("postern-dashboard.json").toFile());
        List<String> expressions = new ArrayList<>();
        dashboard.path("panels").forEach(panel -> panel.path("targets").forEach(target -> expressions.add(target.path("expr").asText())));
        assertThat(expressions).as("the panels' expressions").hasSizeGreaterThanOrEqualTo(10).doesNotContain("");
        for (String expression : expressions) {
            // Grafana's variables, as Grafana would fill them for "All" instances and a short range.
            String promql = expression.replace("$instance", ".*").replace("$__rate_interval", "1m");
            // An expression that errors fails at once; one that answers nothing may wait for the
            // scrapes a rate needs (two samples of a series born with the mail flow).
            Await.value(promql + " answering a series", WAIT, () -> prometheus.query(promql).path("result"),
                result -> !result.isEmpty());
        }
    }

    private static Map<String, Double> values(Iterable<String> queries) {
        Map<String, Double> values = new LinkedHashMap<>();
        queries.forEach(query -> values.put(query, prometheus.scalar(query)));
        return values;
    }

    private static String promtool(String... args) {
        List<String> command = new ArrayList<>(List.of("promtool"));
        command.addAll(List.of(args));
        try {
            Process process = new ProcessBuilder(command).directory(MONITORING.toFile()).redirectErrorStream(true).start();
            String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertThat(process.waitFor(60, TimeUnit.SECONDS)).as("promtool %s ends", command).isTrue();
            assertThat(process.exitValue()).as("promtool %s: %s", command, output).isZero();
            return output;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot run " + command + " (Debian package prometheus, which ./test.sh installs): " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }

    private static String read(Path file) {
        try {
            return Files.readString(file);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file + ": " + e, e);
        }
    }
}
