package dev.postern.app.harness;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * Debian's Prometheus on a loopback port, with its storage in a folder of the test's, scraping one
 * target every second with the given rule files; {@link #query} runs PromQL over its HTTP API.
 */
public final class PrometheusServer implements AutoCloseable {
    private static final Path PROMETHEUS = Path.of("/usr/bin/prometheus");
    private static final Duration START_TIMEOUT = Duration.ofSeconds(60);
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Path directory;
    private final int port;
    private final HttpClient http = HttpClient.newHttpClient();
    private Process process;

    public PrometheusServer(Path directory) {
        this.directory = directory.toAbsolutePath();
        this.port = FreePorts.allocate();
    }

    /**
     * @param target    {@code host:port} of the scraped {@code /metrics}, as job {@code postern}
     * @param ruleFiles rule files Prometheus loads (and evaluates every second)
     */
    public PrometheusServer start(String target, List<Path> ruleFiles) {
        if (!Files.isExecutable(PROMETHEUS)) {
            throw new AssertionError("prometheus is not installed (" + PROMETHEUS + " missing; Debian package prometheus,"
                + " which ./test.sh installs): the monitoring test needs the real server");
        }
        try {
            Files.createDirectories(directory.resolve("data"));
            StringBuilder config = new StringBuilder("global:\n  scrape_interval: 1s\n  evaluation_interval: 1s\n");
            config.append("rule_files:\n");
            ruleFiles.forEach(file -> config.append("  - '").append(file.toAbsolutePath()).append("'\n"));
            config.append("scrape_configs:\n  - job_name: postern\n    static_configs:\n      - targets: ['")
                .append(target).append("']\n");
            Path file = directory.resolve("prometheus.yml");
            Files.writeString(file, config);
            process = new ProcessBuilder(PROMETHEUS.toString(), "--config.file=" + file,
                "--storage.tsdb.path=" + directory.resolve("data"), "--web.listen-address=127.0.0.1:" + port)
                .redirectErrorStream(true).redirectOutput(directory.resolve("prometheus.out").toFile()).start();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start prometheus in " + directory + ": " + e, e);
        }
        long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
        while (!ready()) {
            if (!process.isAlive()) {
                throw new AssertionError("prometheus exited with status " + process.exitValue() + "\n" + output());
            }
            if (System.nanoTime() - deadline >= 0) {
                throw new AssertionError("prometheus is not ready on 127.0.0.1:" + port + " within " + START_TIMEOUT
                    + "\n" + output());
            }
            Await.sleep(Duration.ofMillis(200));
        }
        return this;
    }

    /**
     * An instant query: the {@code data} of the answer ({@code resultType}, {@code result}). An
     * error answer (a PromQL expression that does not parse or evaluate) fails with its text.
     */
    public JsonNode query(String promql) {
        String url = "http://127.0.0.1:" + port + "/api/v1/query?query=" + URLEncoder.encode(promql, StandardCharsets.UTF_8);
        HttpResponse<String> response = get(url);
        JsonNode answer;
        try {
            answer = JSON.readTree(response.body());
        } catch (IOException e) {
            throw new AssertionError("query " + promql + ": not JSON: " + response.body(), e);
        }
        if (response.statusCode() != 200 || !"success".equals(answer.path("status").asText())) {
            throw new AssertionError("query " + promql + " failed (HTTP " + response.statusCode() + "): " + response.body());
        }
        return answer.path("data");
    }

    /** The value of a query that answers one sample, or NaN when it answers none. */
    public double scalar(String promql) {
        JsonNode result = query(promql).path("result");
        if (result.size() == 0) {
            return Double.NaN;
        }
        if (result.size() > 1) {
            throw new AssertionError("query " + promql + " answers " + result.size() + " samples: " + result);
        }
        return Double.parseDouble(result.get(0).path("value").get(1).asText());
    }

    /** What Prometheus logged. */
    public String output() {
        try {
            Path out = directory.resolve("prometheus.out");
            return Files.exists(out) ? Files.readString(out) : "";
        } catch (IOException e) {
            return "(cannot read prometheus's output: " + e + ")";
        }
    }

    private boolean ready() {
        try {
            return get("http://127.0.0.1:" + port + "/-/ready").statusCode() == 200;
        } catch (UncheckedIOException e) {
            return false;
        }
    }

    private HttpResponse<String> get(String url) {
        try {
            return http.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(30)).build(),
                HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new UncheckedIOException("GET " + url + ": " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }

    @Override
    public void close() {
        if (process == null) {
            return;
        }
        process.destroy();
        try {
            if (!process.waitFor(20, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
