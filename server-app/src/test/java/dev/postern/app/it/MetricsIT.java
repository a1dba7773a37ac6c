package dev.postern.app.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.postern.app.harness.Await;
import dev.postern.app.harness.FreePorts;
import dev.postern.app.harness.PosternExtension;
import dev.postern.app.harness.PosternProcess;
import dev.postern.app.harness.SmtpClient;
import dev.postern.testing.smtp.SmtpSink;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * {@code GET /metrics} on a live server after a relayed message, a deferred one (the relay host
 * answers 450 to one recipient) and a recipient refused to an untrusted client (127.0.0.2): the
 * counters move by exactly what the test did, and the queue gauges show the deferred message, its
 * domain and the kind of its delay; the JVM metrics are there; the same figures are served without
 * a credential on postern_metrics_listen, and in OpenMetrics to a scraper that asks for it.
 */
class MetricsIT {
    private static final String H = "mx.metrics-it.test";
    private static final String SENDER = "alice@client.example";
    private static final String LATER = "later@remote.example";
    private static final Duration WAIT = Duration.ofSeconds(60);
    private static final Pattern SAMPLE = Pattern.compile("^([a-zA-Z_:][a-zA-Z0-9_:]*(?:\\{[^}]*\\})?) (\\S+)$");
    private static final Pattern QMGR_SIZE = Pattern.compile("postern/qmgr\\[\\d+\\]: ([0-9A-F]+): from=<[^>]*>, size=(\\d+), ");

    @RegisterExtension
    final PosternExtension postern = new PosternExtension();

    @Test
    void countersAndQueueGaugesFollowWhatTheServerDid() {
        SmtpSink sink = postern.newSink()
            .setRcptReply(recipient -> recipient.equals(LATER) ? "450 4.2.0 <" + LATER + ">: try again later" : "250 2.1.5 Ok");
        int scrapePort = FreePorts.allocate();
        PosternProcess server = postern.newServer().myhostname(H).relayhost(sink)
            .parameter("postern_metrics_listen", "127.0.0.1:" + scrapePort).start();
        Instant started = Instant.now();
        // WebAdmin may come up a moment after the SMTP listener; the harness's client waits for it.
        assertThat(server.webAdmin().get("/metrics").status()).isEqualTo(200);

        Map<String, Double> before = scrape(server);
        assertThat(before).containsEntry("postern_messages_received_total", 0.0)
            .containsEntry("postern_queue_messages{queue_name=\"deferred\"}", 0.0)
            .containsEntry("postern_queue_oldest_message_age_seconds", 0.0)
            .doesNotContainKey("postern_deliveries_total{status=\"sent\",transport=\"smtp\"}");

        String relayed = LocalDeliveryIT.queueIdOf(LocalDeliveryIT.send(server, SENDER, "bob@remote.example", "metrics-1"));
        String deferred = LocalDeliveryIT.queueIdOf(LocalDeliveryIT.send(server, SENDER, LATER, "metrics-2"));
        try (SmtpClient client = server.connectFrom("127.0.0.2")) {
            client.ehlo("outsider.example");
            assertThat(client.mailFrom("spammer@outsider.example").code()).isEqualTo(250);
            assertThat(client.rcptTo("x@remote.example").full()).isEqualTo("454 4.7.1 <x@remote.example>: Relay access denied");
            client.quit();
        }
        sink.awaitMessages(1, WAIT);
        server.awaitMaillogLine("the deferral of " + deferred, WAIT,
            line -> line.contains("postern/smtp[") && line.contains(deferred + ": to=<" + LATER + ">") && line.contains("status=deferred"));
        server.awaitMaillogLine("the delivery of " + relayed, WAIT,
            line -> line.contains("postern/smtp[") && line.contains(relayed + ": to=<bob@remote.example>") && line.contains("status=sent"));
        // The deferred copy is queued before the attempt that deferred it is taken off the active queue:
        // wait for both, as a scrape between the two sees the message in each.
        Map<String, Double> after = Await.value("the deferred message back in the queue, the attempt done", WAIT,
            () -> scrape(server),
            metrics -> metrics.getOrDefault("postern_queue_messages{queue_name=\"deferred\"}", 0.0) == 1.0
                && metrics.getOrDefault("postern_queue_messages{queue_name=\"active\"}", -1.0) == 0.0);

        assertThat(delta(before, after, "postern_smtpd_connections_total")).as("three SMTP sessions").isEqualTo(3);
        assertThat(delta(before, after, "postern_messages_received_total")).isEqualTo(2);
        assertThat(delta(before, after, "postern_received_bytes_total")).as("the size= of both qmgr lines")
            .isEqualTo(loggedSize(server, relayed) + loggedSize(server, deferred));
        assertThat(after).containsEntry("postern_smtpd_rejects_total{code=\"454\",restriction=\"relay_denied\"}", 1.0)
            .containsEntry("postern_deliveries_total{status=\"sent\",transport=\"smtp\"}", 1.0)
            .containsEntry("postern_deliveries_total{status=\"deferred\",transport=\"smtp\"}", 1.0)
            .containsEntry("postern_delivery_delay_seconds_count{transport=\"smtp\"}", 2.0)
            .containsEntry("postern_delivery_delay_seconds_bucket{transport=\"smtp\",le=\"+Inf\"}", 2.0)
            .containsEntry("postern_delivery_delay_seconds_bucket{transport=\"smtp\",le=\"60.0\"}", 2.0)
            .containsEntry("postern_bounces_total", 0.0)
            .containsEntry("postern_queue_messages{queue_name=\"active\"}", 0.0)
            .containsEntry("postern_queue_messages{queue_name=\"deferred\"}", 1.0)
            .containsEntry("postern_queue_messages{queue_name=\"hold\"}", 0.0);
        assertThat(after.keySet()).noneMatch(key -> key.startsWith("postern_deliveries_total{") && key.contains("transport=\"local\""));
        assertThat(after.get("postern_queue_oldest_message_age_seconds"))
            .isBetween(0.0, (double) Duration.between(started, Instant.now()).getSeconds() + 1);
        assertThat(after).containsEntry("postern_queue_deferred_domain_messages{domain=\"remote.example\"}", 1.0)
            .containsEntry("postern_queue_deferred_reason_messages{reason=\"reply_4xx\"}", 1.0)
            .containsKeys("jvm_memory_used_bytes{area=\"heap\"}", "jvm_threads_current", "jvm_classes_currently_loaded")
            .containsKey("postern_queue_bytes{queue_name=\"deferred\"}");
        assertThat(after.keySet()).as("the client's JVM metrics: GC pauses and memory pools")
            .anyMatch(key -> key.startsWith("jvm_gc_collection_seconds_count{"))
            .anyMatch(key -> key.startsWith("jvm_memory_pool_used_bytes{"));

        // The same registry without a credential on postern_metrics_listen, and OpenMetrics when asked for.
        HttpResponse<String> scraped = get("http://127.0.0.1:" + scrapePort + "/metrics", Map.of());
        assertThat(scraped.statusCode()).isEqualTo(200);
        assertThat(scraped.body()).contains("postern_messages_received_total 2.0")
            .contains("postern_smtpd_rejects_total{code=\"454\",restriction=\"relay_denied\"} 1.0");
        HttpResponse<String> openMetrics = get("http://127.0.0.1:" + server.webadminPort() + "/metrics",
            Map.of("Authorization", server.webAdmin().authorization(),
                "Accept", "application/openmetrics-text;version=1.0.0,text/plain;version=0.0.4;q=0.5"));
        assertThat(openMetrics.headers().firstValue("Content-Type")).hasValueSatisfying(type ->
            assertThat(type).startsWith("application/openmetrics-text"));
        assertThat(openMetrics.body()).contains("# TYPE postern_messages_received counter")
            .contains("postern_messages_received_total 2.0").endsWith("# EOF\n");
        assertThat(get("http://127.0.0.1:" + server.webadminPort() + "/metrics", Map.of()).statusCode())
            .as("WebAdmin's /metrics still needs the token").isEqualTo(401);
    }

    private static HttpResponse<String> get(String url, Map<String, String> headers) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(30));
        headers.forEach(request::header);
        try {
            return HttpClient.newHttpClient().send(request.build(), HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new UncheckedIOException("GET " + url + ": " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }

    /** GET /metrics, checking the status and the content type, as sample name (with labels) to value. */
    private static Map<String, Double> scrape(PosternProcess server) {
        HttpResponse<String> response = get("http://127.0.0.1:" + server.webadminPort() + "/metrics",
            Map.of("Authorization", server.webAdmin().authorization()));
        assertThat(response.statusCode()).as("GET /metrics: %s", response.body()).isEqualTo(200);
        assertThat(response.headers().firstValue("Content-Type")).hasValueSatisfying(type ->
            assertThat(type.replace(" ", "")).isEqualToIgnoringCase("text/plain;version=0.0.4;charset=utf-8"));
        Map<String, Double> samples = new HashMap<>();
        List<String> lines = response.body().lines().toList();
        for (String line : lines) {
            if (line.startsWith("#") || line.isBlank()) {
                continue;
            }
            Matcher m = SAMPLE.matcher(line);
            assertThat(m.matches()).as("a sample line of the text format: %s", line).isTrue();
            samples.put(m.group(1), m.group(2).equals("+Inf") ? Double.POSITIVE_INFINITY : Double.parseDouble(m.group(2)));
        }
        return samples;
    }

    private static double delta(Map<String, Double> before, Map<String, Double> after, String sample) {
        assertThat(after).containsKey(sample);
        return after.get(sample) - before.getOrDefault(sample, 0.0);
    }

    private static double loggedSize(PosternProcess server, String queueId) {
        return server.maillogLines().stream()
            .map(QMGR_SIZE::matcher)
            .filter(m -> m.find() && m.group(1).equals(queueId))
            .mapToDouble(m -> Double.parseDouble(m.group(2)))
            .findFirst()
            .orElseThrow(() -> new AssertionError("no qmgr line for " + queueId + " in\n" + server.maillog()));
    }
}
