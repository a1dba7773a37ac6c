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
import dev.postern.app.harness.RecordingPolicyServer;
import dev.postern.app.harness.ScriptedMilter;
import dev.postern.app.harness.SmtpClient;
import dev.postern.milter.MilterPacket;
import dev.postern.testing.smtp.SmtpSink;

/**
 * The shipped monitoring (docker/monitoring/) against Debian's Prometheus: it scrapes a running
 * Postern on {@code postern_metrics_listen} while mail flows (two relayed messages, one deferred by
 * the next hop, one recipient refused by the relay restrictions and one by an access table, a sender
 * refused by a milter, a policy service asked about each recipient), and PromQL over its HTTP API sees
 * exactly that, the refusals by the kind of restriction that decided; the alert
 * rules pass {@code promtool check rules} and {@code promtool test rules} (a synthetic series fires
 * the queue-growth alert); every expression of the Grafana dashboard evaluates without error, and
 * with data, against the scraped metrics. One Postern and one Prometheus for the class.
 */
class PrometheusIT {
    private static final Path MONITORING = Path.of("..", "docker", "monitoring").toAbsolutePath().normalize();
    private static final String SENDER = "alice@client.example";
    private static final String LATER = "later@slow.example";
    private static final String BLOCKED = "blocked@remote.example";
    private static final String MILTER_REFUSED = "refused@client.example";
    private static final Duration WAIT = Duration.ofSeconds(90);

    @RegisterExtension
    static final PosternExtension postern = new PosternExtension();
    @TempDir
    static Path prometheusDirectory;
    private static PosternProcess server;
    private static PrometheusServer prometheus;
    private static ScriptedMilter milter;
    private static RecordingPolicyServer policyServer;
    /** The harness's own connections while it waited for the server to be ready. */
    private static double connectionsBefore;

    @BeforeAll
    static void mailFlowsWhilePrometheusScrapes() throws IOException {
        SmtpSink sink = postern.newSink()
            .setRcptReply(recipient -> recipient.equals(LATER) ? "450 4.2.0 <" + LATER + ">: try again later" : "250 2.1.5 Ok");
        int scrapePort = FreePorts.allocate();
        milter = new ScriptedMilter(PrometheusIT::milterScript);
        policyServer = new RecordingPolicyServer();
        server = postern.newServer().myhostname("mx.prometheus-it.test").relayhost(sink)
            .parameter("postern_metrics_listen", "127.0.0.1:" + scrapePort)
            .parameter("smtpd_milters", milter.endpoint())
            .parameter("smtpd_recipient_restrictions", "check_policy_service " + policyServer.address()
                + ", check_recipient_access inline:{" + BLOCKED + "=REJECT}")
            .start();
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
        try (SmtpClient client = server.connect()) {
            client.ehlo("client.example");
            assertThat(client.mailFrom(SENDER).code()).isEqualTo(250);
            assertThat(client.rcptTo(BLOCKED).full()).isEqualTo("554 5.7.1 <" + BLOCKED + ">: Recipient address rejected: Access denied");
            assertThat(client.rset().code()).isEqualTo(250);
            assertThat(client.mailFrom(MILTER_REFUSED).code()).as("the milter's refusal").isEqualTo(550);
            client.quit();
        }
        sink.awaitMessages(2, WAIT);
    }

    @AfterAll
    static void stopPrometheus() throws IOException {
        if (prometheus != null) {
            prometheus.close();
        }
        if (milter != null) {
            milter.close();
        }
        if (policyServer != null) {
            policyServer.close();
        }
    }

    /** Refuses one sender at MAIL FROM, accepts each message at its end, lets everything else go on. */
    private static List<MilterPacket> milterScript(MilterPacket packet, Map<String, String> headers) {
        if (packet.command() == 'M' && packet.strings().get(0).equals("<" + MILTER_REFUSED + ">")) {
            return List.of(ScriptedMilter.packet('r'));
        }
        return List.of(ScriptedMilter.packet(packet.command() == 'E' ? 'a' : 'c'));
    }

    @Test
    void promqlSeesTheMailThatFlowed() {
        Map<String, Double> expected = new LinkedHashMap<>();
        expected.put("postern_messages_received_total{job=\"postern\"}", 3.0);
        expected.put("sum(postern_deliveries_total{status=\"sent\",transport=\"smtp\"})", 2.0);
        expected.put("sum(postern_deliveries_total{status=\"deferred\"})", 1.0);
        expected.put("sum by (restriction) (postern_smtpd_rejects_total{restriction=\"relay_denied\"})", 1.0);
        // the access table's REJECT says "Recipient address rejected": the class is the engine's, not the text's
        expected.put("sum(postern_smtpd_rejects_total{code=\"554\",restriction=\"recipient_rejected\"})", 1.0);
        expected.put("sum(postern_smtpd_rejects_total)", 2.0);
        expected.put("sum(postern_smtpd_queue_write_seconds_count)", 3.0);
        expected.put("sum(postern_smtpd_queue_write_seconds_bucket{le=\"+Inf\"})", 3.0);
        expected.put("sum(postern_milter_decisions_total{action=\"accept\"})", 3.0);
        expected.put("sum(postern_milter_decisions_total{action=\"reject\"})", 1.0);
        // three messages and the refused recipient; the relay restrictions refused the other before it was asked
        expected.put("sum(postern_policy_decisions_total{action=\"dunno\"})", 4.0);
        expected.put("postern_queue_messages{queue_name=\"deferred\"}", 1.0);
        expected.put("postern_queue_deferred_domain_messages{domain=\"slow.example\"}", 1.0);
        expected.put("postern_queue_deferred_reason_messages{reason=\"reply_4xx\"}", 1.0);
        expected.put("postern_smtpd_connections_total", connectionsBefore + 5);
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
