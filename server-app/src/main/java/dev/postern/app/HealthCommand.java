package dev.postern.app;

import java.io.IOException;
import java.io.PrintStream;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.postern.app.control.QueueControlClient;
import dev.postern.app.control.WebAdminHttp;
import dev.postern.config.MainCf;

/**
 * {@code postern health}: asks the running server's WebAdmin ({@code GET /healthcheck}, at the
 * home's {@code postern_webadmin_listen}) whether every component is healthy: the SMTP and
 * WebAdmin services started (James's lifecycle check), the queue directory is usable and the
 * table files can be read. Exit status 0 when all are healthy; otherwise 1 with one line on
 * standard error saying what is not, so that a container HEALTHCHECK log tells the operator why.
 */
final class HealthCommand {
    static final String USAGE = "usage: postern health";
    /** A health probe that hangs is a failed probe; container runtimes give it about 30 s. */
    private static final Duration TIMEOUT = Duration.ofSeconds(10);
    private static final ObjectMapper JSON = new ObjectMapper();

    private final PosternHome home;
    private final Supplier<MainCf> mainCf;
    private final PrintStream out;
    private final PrintStream err;

    HealthCommand(PosternHome home, Supplier<MainCf> mainCf, PrintStream out, PrintStream err) {
        this.home = home;
        this.mainCf = mainCf;
        this.out = out;
        this.err = err;
    }

    int run(List<String> arguments) {
        if (!arguments.isEmpty()) {
            throw new IllegalArgumentException(USAGE);
        }
        WebAdminHttp http;
        HttpResponse<String> response;
        try {
            http = WebAdminHttp.forHome(home, mainCf.get(), "the health check", TIMEOUT);
            response = http.send(HttpRequest.newBuilder(http.uri("/healthcheck")).GET());
        } catch (QueueControlClient.Unreachable e) {
            return unhealthy(e.getMessage());
        }
        String authority = http.authority();
        return report(authority, response.statusCode(), response.body());
    }

    /** James answers 200 when no check is unhealthy, 503 otherwise, with each check's status and cause. */
    private int report(String authority, int status, String body) {
        JsonNode answer;
        try {
            answer = JSON.readTree(body);
        } catch (IOException e) {
            answer = null;
        }
        if (answer == null || !answer.hasNonNull("status")) {
            return unhealthy("the server at " + authority + " answered " + status + " without a health status: "
                + body.strip());
        }
        if (status == 200 && answer.get("status").asText().equals("healthy")) {
            out.println("postern: health: healthy");
            return 0;
        }
        List<String> problems = new ArrayList<>();
        for (JsonNode check : answer.path("checks")) {
            if (!check.path("status").asText().equals("healthy")) {
                String cause = check.path("cause").isTextual() ? check.path("cause").asText() : "no cause given";
                problems.add(check.path("componentName").asText() + " " + check.path("status").asText() + ": " + cause);
            }
        }
        return unhealthy(answer.get("status").asText() + (problems.isEmpty() ? "" : ": " + String.join("; ", problems)));
    }

    private int unhealthy(String line) {
        err.println("postern: health: " + line);
        return 1;
    }
}
