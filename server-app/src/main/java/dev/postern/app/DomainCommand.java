package dev.postern.app;

import java.io.PrintStream;
import java.net.URLEncoder;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.function.Supplier;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.postern.app.control.QueueControlClient;
import dev.postern.app.control.WebAdminHttp;
import dev.postern.config.MainCf;

/**
 * {@code postern domain add|delete NAME} and {@code postern domain list}: the domains of the running
 * server, through its WebAdmin with the token of the home's var/. Added domains are virtual mailbox
 * domains stored in var/store/domains; {@code list} shows them after those of {@code mydestination},
 * which only main.cf can change. Exit status 0 on success, 1 when the server cannot be reached or
 * refuses, 2 for a usage error.
 */
final class DomainCommand {
    static final String USAGE = "usage: postern domain add|delete NAME | postern domain list";
    private static final Duration TIMEOUT = Duration.ofSeconds(30);
    private static final ObjectMapper JSON = new ObjectMapper();

    private final PosternHome home;
    private final Supplier<MainCf> mainCf;
    private final PrintStream out;
    private final PrintStream err;

    DomainCommand(PosternHome home, Supplier<MainCf> mainCf, PrintStream out, PrintStream err) {
        this.home = home;
        this.mainCf = mainCf;
        this.out = out;
        this.err = err;
    }

    int run(List<String> arguments) {
        String action = arguments.isEmpty() ? "" : arguments.get(0);
        int operands = action.equals("list") ? 1 : 2;
        if (!List.of("add", "delete", "list").contains(action) || arguments.size() != operands) {
            throw new IllegalArgumentException(USAGE);
        }
        try {
            WebAdminHttp http = WebAdminHttp.forHome(home, mainCf.get(), "domain management", TIMEOUT);
            return switch (action) {
                case "list" -> list(http);
                case "add" -> add(http, arguments.get(1));
                default -> delete(http, arguments.get(1));
            };
        } catch (QueueControlClient.Unreachable | QueueControlClient.Refused e) {
            err.println("postern: fatal: " + e.getMessage());
            return 1;
        }
    }

    private int list(WebAdminHttp http) throws QueueControlClient.Unreachable, QueueControlClient.Refused {
        String body = http.expectSuccess(HttpRequest.newBuilder(http.uri("/domains")).GET());
        try {
            for (JsonNode domain : JSON.readTree(body)) {
                out.println(domain.asText());
            }
        } catch (JsonProcessingException e) {
            throw new QueueControlClient.Refused("the server's domain list is not JSON: " + body);
        }
        return 0;
    }

    private int add(WebAdminHttp http, String name) throws QueueControlClient.Unreachable, QueueControlClient.Refused {
        http.expectSuccess(HttpRequest.newBuilder(http.uri(path(name))).PUT(HttpRequest.BodyPublishers.noBody()));
        out.println("postern: domain " + name + " added");
        return 0;
    }

    /** James answers 204 whether or not it removed the domain, so the command looks before and after. */
    private int delete(WebAdminHttp http, String name) throws QueueControlClient.Unreachable, QueueControlClient.Refused {
        if (!exists(http, name)) {
            err.println("postern: fatal: no domain " + name);
            return 1;
        }
        http.expectSuccess(HttpRequest.newBuilder(http.uri(path(name))).DELETE());
        if (exists(http, name)) {
            err.println("postern: fatal: " + name + " comes from main.cf (mydestination): remove it there");
            return 1;
        }
        out.println("postern: domain " + name + " deleted");
        return 0;
    }

    private static boolean exists(WebAdminHttp http, String name) throws QueueControlClient.Unreachable,
            QueueControlClient.Refused {
        HttpResponse<String> response = http.send(HttpRequest.newBuilder(http.uri(path(name))).GET());
        if (response.statusCode() == 404) {
            return false;
        }
        if (response.statusCode() / 100 != 2) {
            throw new QueueControlClient.Refused("the server at " + http.authority() + " answered "
                + response.statusCode() + ": " + WebAdminHttp.message(response.body()));
        }
        return true;
    }

    private static String path(String name) {
        return "/domains/" + segment(name);
    }

    /** A name as one path segment of a WebAdmin route. */
    static String segment(String name) {
        return URLEncoder.encode(name, StandardCharsets.UTF_8).replace("+", "%20");
    }
}
