package dev.postern.app.control;

import java.io.IOException;
import java.net.URLEncoder;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.stream.Collectors;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.postern.config.ListenAddress;

/** The command line's side of {@link QueueControlRoutes}: calls a running server's WebAdmin. */
public final class QueueControlClient {
    /** Listing a large queue reads every message's size; give it time. */
    public static final Duration REQUEST_TIMEOUT = Duration.ofMinutes(5);
    private static final ObjectMapper JSON = new ObjectMapper()
        .configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false);

    /** No server answers at the address: it is stopped, or listens elsewhere. */
    public static final class Unreachable extends Exception {
        public Unreachable(String message, Throwable cause) {
            super(message, cause);
        }
    }

    /** The server answered, but not with success. */
    public static final class Refused extends Exception {
        public Refused(String message) {
            super(message);
        }
    }

    private final WebAdminHttp http;

    public QueueControlClient(WebAdminHttp http) {
        this.http = http;
    }

    public List<QueueEntry> list() throws Unreachable, Refused {
        String body = send(HttpRequest.newBuilder(http.uri(QueueControlRoutes.BASE_PATH)).GET());
        try {
            return List.copyOf(JSON.readValue(body, new TypeReference<List<QueueEntry>>() { }));
        } catch (IOException e) {
            throw new Refused("the server's queue listing is not what this command reads: " + e.getMessage());
        }
    }

    public long flush() throws Unreachable, Refused {
        return count(send(post("/flush")));
    }

    /** @param action delete, hold, release or requeue */
    public long apply(String action, List<String> operands) throws Unreachable, Refused {
        String query = operands.stream().map(id -> "id=" + URLEncoder.encode(id, StandardCharsets.UTF_8))
            .collect(Collectors.joining("&"));
        return count(send(post("/" + action + "?" + query)));
    }

    /** Holds the selected messages in the queue until {@code until}, when they go on by themselves. */
    public long holdUntil(List<String> operands, Instant until) throws Unreachable, Refused {
        String query = operands.stream().map(id -> "id=" + URLEncoder.encode(id, StandardCharsets.UTF_8))
            .collect(Collectors.joining("&"));
        return count(send(post("/hold?" + query + "&until=" + URLEncoder.encode(until.toString(), StandardCharsets.UTF_8))));
    }

    /** Asks the server to reload its configuration; a refused main.cf is a {@link Refused} naming the problem. */
    public ReloadOutcome reload() throws Unreachable, Refused {
        String body = send(HttpRequest.newBuilder(http.uri(ReloadRoutes.BASE_PATH)).POST(HttpRequest.BodyPublishers.noBody()));
        try {
            return JSON.readValue(body, ReloadOutcome.class);
        } catch (IOException e) {
            throw new Refused("the server's reload answer is not what this command reads: " + e.getMessage());
        }
    }

    public static String json(QueueEntry entry) {
        try {
            return JSON.writeValueAsString(entry);
        } catch (IOException e) {
            throw new IllegalStateException("cannot write queue entry " + entry.queueId() + " as JSON", e);
        }
    }

    private HttpRequest.Builder post(String path) {
        return HttpRequest.newBuilder(http.uri(QueueControlRoutes.BASE_PATH + path)).POST(HttpRequest.BodyPublishers.noBody());
    }

    private String send(HttpRequest.Builder request) throws Unreachable, Refused {
        return http.expectSuccess(request);
    }

    private static long count(String body) throws Refused {
        try {
            JsonNode count = JSON.readTree(body).get("count");
            if (count == null || !count.canConvertToLong()) {
                throw new Refused("the server's answer has no count: " + body);
            }
            return count.asLong();
        } catch (IOException e) {
            throw new Refused("the server's answer is not JSON: " + body);
        }
    }

    /**
     * {@code host:port} to connect to for a listen address: a wildcard address accepts connections
     * on loopback, which is where the command line looks.
     */
    public static String connectable(ListenAddress address) {
        String host = switch (address.host()) {
            case "0.0.0.0" -> "127.0.0.1";
            case "::", "0:0:0:0:0:0:0:0" -> "::1";
            default -> address.host();
        };
        return (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + address.port();
    }
}
