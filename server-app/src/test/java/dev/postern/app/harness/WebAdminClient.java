package dev.postern.app.harness;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A small client for James's WebAdmin routes that the tests use. Connection refusals are retried for
 * {@link #CONNECT_RETRY} because WebAdmin may come up a moment after the SMTP listener. Helpers that
 * change state assert the HTTP status James documents and throw {@link AssertionError} otherwise.
 */
public final class WebAdminClient {

    public static final Duration CONNECT_RETRY = Duration.ofSeconds(30);
    private static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(30);
    private static final Pattern JSON_STRING = Pattern.compile("\"((?:[^\"\\\\]|\\\\.)*)\"");
    private static final Pattern USERNAME = Pattern.compile("\"username\"\\s*:\\s*\"((?:[^\"\\\\]|\\\\.)*)\"");
    private static final Pattern SIZE = Pattern.compile("\"size\"\\s*:\\s*(\\d+)");

    private final String base;
    private final Path tokenFile;
    private final HttpClient http;

    /** @param tokenFile the server's var/store/webadmin.token, read at each request (the server makes it at its first start) */
    public WebAdminClient(int port, Path tokenFile) {
        this("http://127.0.0.1:" + port, tokenFile);
    }

    public WebAdminClient(String base, Path tokenFile) {
        this.base = base;
        this.tokenFile = tokenFile;
        this.http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    }

    /** The value of the {@code Authorization} header that WebAdmin requires of every request. */
    public String authorization() {
        try {
            return "Bearer " + Files.readString(tokenFile, StandardCharsets.US_ASCII).strip();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the WebAdmin token " + tokenFile
                    + " (has the server been started?): " + e, e);
        }
    }

    /** Status and body of one HTTP exchange. */
    public record Response(int status, String body) {
        @Override
        public String toString() {
            return "HTTP " + status + (body.isEmpty() ? "" : ": " + body);
        }
    }

    // ---- raw requests -----------------------------------------------------------------------

    public Response get(String path) {
        return send(HttpRequest.newBuilder(uri(path)).GET());
    }

    /** A GET asking for JSON, for routes that can also answer otherwise (a stored mail). */
    public Response getJson(String path) {
        return send(HttpRequest.newBuilder(uri(path)).GET().header("Accept", "application/json"));
    }

    public Response put(String path, String jsonBody) {
        return send(HttpRequest.newBuilder(uri(path)).PUT(body(jsonBody)).header("Content-Type", "application/json"));
    }

    public Response patch(String path, String jsonBody) {
        return send(HttpRequest.newBuilder(uri(path)).method("PATCH", body(jsonBody))
                .header("Content-Type", "application/json"));
    }

    public Response post(String path, String jsonBody) {
        return send(HttpRequest.newBuilder(uri(path)).POST(body(jsonBody)).header("Content-Type", "application/json"));
    }

    public Response delete(String path) {
        return send(HttpRequest.newBuilder(uri(path)).DELETE());
    }

    // ---- James routes -----------------------------------------------------------------------

    /** {@code PUT /domains/{domain}}, expecting 204. */
    public void putDomain(String domain) {
        expect(put("/domains/" + encode(domain), ""), 204, "PUT /domains/" + domain);
    }

    /** {@code GET /domains}: the JSON array of domain names. */
    public List<String> domains() {
        Response response = expect(get("/domains"), 200, "GET /domains");
        List<String> domains = new ArrayList<>();
        Matcher m = JSON_STRING.matcher(response.body());
        while (m.find()) {
            domains.add(unescape(m.group(1)));
        }
        return domains;
    }

    /** {@code PUT /users/{user}} with {@code {"password":...}}, expecting 204. */
    public void putUser(String user, String password) {
        expect(put("/users/" + encode(user), "{\"password\":\"" + jsonEscape(password) + "\"}"), 204,
                "PUT /users/" + user);
    }

    /** {@code GET /users}: the user names of the JSON list of {@code {"username":...}}. */
    public List<String> users() {
        Response response = expect(get("/users"), 200, "GET /users");
        List<String> users = new ArrayList<>();
        Matcher m = USERNAME.matcher(response.body());
        while (m.find()) {
            users.add(unescape(m.group(1)));
        }
        return users;
    }

    /** {@code GET /mailQueues/{name}}: its {@code size}. */
    public long queueSize(String queue) {
        Response response = expect(get("/mailQueues/" + encode(queue)), 200, "GET /mailQueues/" + queue);
        Matcher m = SIZE.matcher(response.body());
        if (!m.find()) {
            throw new AssertionError("GET /mailQueues/" + queue + " has no size: " + response.body());
        }
        return Long.parseLong(m.group(1));
    }

    /** The spool holds every queued mail, deferred mail included (the queue manager re-queues it there). */
    public long spoolQueueSize() {
        return queueSize("spool");
    }

    /**
     * Makes every delayed mail of the queue deliverable now:
     * {@code PATCH /mailQueues/{name}/mails?delayed=true} with {@code {"delayed":false}}, expecting 204.
     */
    public void flushQueue(String queue) {
        expect(patch("/mailQueues/" + encode(queue) + "/mails?delayed=true", "{\"delayed\":false}"), 204,
                "flush of queue " + queue);
    }

    public void flushSpool() {
        flushQueue("spool");
    }

    // ---- internals --------------------------------------------------------------------------

    private Response send(HttpRequest.Builder builder) {
        HttpRequest request = builder.timeout(REQUEST_TIMEOUT).header("Authorization", authorization()).build();
        long deadline = System.nanoTime() + CONNECT_RETRY.toNanos();
        while (true) {
            try {
                HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
                return new Response(response.statusCode(), response.body());
            } catch (ConnectException e) {
                if (System.nanoTime() - deadline >= 0) {
                    throw new UncheckedIOException("WebAdmin at " + base + " refuses connections: "
                            + request.method() + " " + request.uri(), e);
                }
                Await.sleep(Duration.ofMillis(250));
            } catch (IOException e) {
                throw new UncheckedIOException(request.method() + " " + request.uri() + ": " + e, e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted", e);
            }
        }
    }

    private static Response expect(Response response, int status, String what) {
        if (response.status() != status) {
            throw new AssertionError(what + ": expected HTTP " + status + " but got " + response);
        }
        return response;
    }

    private URI uri(String path) {
        return URI.create(base + path);
    }

    private static HttpRequest.BodyPublisher body(String json) {
        return json == null || json.isEmpty()
                ? HttpRequest.BodyPublishers.noBody()
                : HttpRequest.BodyPublishers.ofString(json, StandardCharsets.UTF_8);
    }

    /** Percent-encodes a path segment but keeps '@' as is, the way James's documentation writes user names. */
    private static String encode(String segment) {
        return URLEncoder.encode(segment, StandardCharsets.UTF_8).replace("+", "%20").replace("%40", "@");
    }

    private static String jsonEscape(String s) {
        return s.replace("\\", "\\\\").replace("\"", "\\\"");
    }

    private static String unescape(String s) {
        return s.replace("\\\"", "\"").replace("\\/", "/").replace("\\\\", "\\");
    }
}
