package dev.postern.app.harness;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * Debian's Chromium, headless, driven over the DevTools protocol (a WebSocket on a loopback port):
 * load a page with extra request headers (a browser cannot otherwise send WebAdmin's bearer token),
 * read its text and take a screenshot. One browser, one tab.
 */
public final class HeadlessChromium implements AutoCloseable {
    private static final Path CHROMIUM = Path.of("/usr/bin/chromium");
    private static final Duration TIMEOUT = Duration.ofSeconds(60);
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Path directory;
    private final int port = FreePorts.allocate();
    private final HttpClient http = HttpClient.newHttpClient();
    private final Map<Integer, CompletableFuture<JsonNode>> pending = new ConcurrentHashMap<>();
    private final AtomicInteger ids = new AtomicInteger();
    private Process process;
    private WebSocket socket;

    public HeadlessChromium(Path directory) {
        this.directory = directory.toAbsolutePath();
    }

    public HeadlessChromium start() {
        if (!Files.isExecutable(CHROMIUM)) {
            throw new AssertionError("chromium is not installed (" + CHROMIUM + " missing; Debian package chromium, which"
                + " ./test.sh installs): the status page test needs a real browser");
        }
        try {
            Files.createDirectories(directory.resolve("profile"));
            process = new ProcessBuilder(CHROMIUM.toString(), "--headless=new", "--no-sandbox", "--disable-gpu",
                "--no-first-run", "--disable-extensions", "--remote-debugging-address=127.0.0.1",
                "--remote-debugging-port=" + port, "--user-data-dir=" + directory.resolve("profile"),
                "--window-size=1200,900", "about:blank")
                .redirectErrorStream(true).redirectOutput(directory.resolve("chromium.out").toFile()).start();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start chromium: " + e, e);
        }
        String webSocketUrl = Await.value("chromium's DevTools endpoint", TIMEOUT, this::pageWebSocketUrl, url -> !url.isEmpty());
        socket = http.newWebSocketBuilder().buildAsync(URI.create(webSocketUrl), new Listener()).join();
        command("Page.enable", JSON.createObjectNode());
        command("Network.enable", JSON.createObjectNode());
        return this;
    }

    /** Loads {@code url} sending {@code headers} with every request, and waits for the page to be loaded. */
    public void load(String url, Map<String, String> headers) {
        ObjectNode extra = JSON.createObjectNode();
        headers.forEach(extra::put);
        ObjectNode params = JSON.createObjectNode();
        params.set("headers", extra);
        command("Network.setExtraHTTPHeaders", params);
        command("Page.navigate", JSON.createObjectNode().put("url", url));
        Await.until("chromium loading " + url, TIMEOUT, Duration.ofMillis(200),
            () -> "complete".equals(evaluate("document.readyState")) && url.equals(evaluate("location.href")));
    }

    /** The value of a JavaScript expression in the page, as text. */
    public String evaluate(String expression) {
        JsonNode result = command("Runtime.evaluate", JSON.createObjectNode().put("expression", expression).put("returnByValue", true));
        return result.path("result").path("value").asText("");
    }

    /** A PNG of the viewport. */
    public byte[] screenshot() {
        return Base64.getDecoder().decode(command("Page.captureScreenshot", JSON.createObjectNode().put("format", "png"))
            .path("data").asText());
    }

    private JsonNode command(String method, ObjectNode params) {
        int id = ids.incrementAndGet();
        CompletableFuture<JsonNode> answer = new CompletableFuture<>();
        pending.put(id, answer);
        ObjectNode message = JSON.createObjectNode().put("id", id).put("method", method);
        message.set("params", params);
        socket.sendText(message.toString(), true).join();
        try {
            JsonNode reply = answer.get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
            if (reply.has("error")) {
                throw new AssertionError("chromium " + method + ": " + reply.get("error"));
            }
            return reply.path("result");
        } catch (ExecutionException | TimeoutException e) {
            throw new AssertionError("chromium " + method + ": no answer within " + TIMEOUT + "\n" + output(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        } finally {
            pending.remove(id);
        }
    }

    private String pageWebSocketUrl() {
        try {
            HttpResponse<String> list = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/json/list"))
                .timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.ofString());
            for (JsonNode target : JSON.readTree(list.body())) {
                if ("page".equals(target.path("type").asText())) {
                    return target.path("webSocketDebuggerUrl").asText();
                }
            }
            return "";
        } catch (IOException e) {
            if (!process.isAlive()) {
                throw new AssertionError("chromium exited with status " + process.exitValue() + "\n" + output());
            }
            return "";
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }

    /** What chromium printed. */
    public String output() {
        try {
            Path out = directory.resolve("chromium.out");
            return Files.exists(out) ? Files.readString(out) : "";
        } catch (IOException e) {
            return "(cannot read chromium's output: " + e + ")";
        }
    }

    /** Collects each message (which may come in parts) and completes the command it answers. */
    private final class Listener implements WebSocket.Listener {
        private final StringBuilder message = new StringBuilder();

        @Override
        public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
            message.append(data);
            if (last) {
                try {
                    JsonNode node = JSON.readTree(message.toString());
                    if (node.has("id")) {
                        CompletableFuture<JsonNode> answer = pending.get(node.get("id").asInt());
                        if (answer != null) {
                            answer.complete(node);
                        }
                    }
                } catch (IOException e) {
                    // Not JSON: not an answer of ours.
                }
                message.setLength(0);
            }
            webSocket.request(1);
            return null;
        }
    }

    @Override
    public void close() {
        if (socket != null) {
            socket.abort();
        }
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
