package dev.postern.app;

import java.io.BufferedReader;
import java.io.Console;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.postern.app.control.QueueControlClient;
import dev.postern.app.control.WebAdminHttp;
import dev.postern.config.MainCf;

/**
 * {@code postern user add|password|delete NAME} and {@code postern user list}: the SMTP AUTH users
 * of the running server (stored in var/store/users.properties), managed through its WebAdmin with
 * the token of the home's var/. The password of {@code add} and {@code password} is read from
 * standard input (its first line), or asked twice without echo on a terminal; it never appears
 * on a command line, where {@code ps} would show it. Exit status 0 on success, 1 when the server
 * cannot be reached or refuses, 2 for a usage error.
 */
final class UserCommand {
    static final String USAGE = "usage: postern user add|password|delete NAME | postern user list";
    private static final Duration TIMEOUT = Duration.ofSeconds(30);
    private static final ObjectMapper JSON = new ObjectMapper();

    private final PosternHome home;
    private final Supplier<MainCf> mainCf;
    private final InputStream in;
    private final Console console;
    private final PrintStream out;
    private final PrintStream err;

    /** @param console the terminal to ask the password on, or null to read it from {@code in} */
    UserCommand(PosternHome home, Supplier<MainCf> mainCf, InputStream in, Console console, PrintStream out,
                PrintStream err) {
        this.home = home;
        this.mainCf = mainCf;
        this.in = in;
        this.console = console;
        this.out = out;
        this.err = err;
    }

    int run(List<String> arguments) {
        String action = arguments.isEmpty() ? "" : arguments.get(0);
        int operands = action.equals("list") ? 1 : 2;
        if (!List.of("add", "password", "delete", "list").contains(action) || arguments.size() != operands) {
            throw new IllegalArgumentException(USAGE);
        }
        try {
            WebAdminHttp http = WebAdminHttp.forHome(home, mainCf.get(), "user management", TIMEOUT);
            return switch (action) {
                case "list" -> list(http);
                case "delete" -> delete(http, arguments.get(1));
                default -> setPassword(http, arguments.get(1), action.equals("password"));
            };
        } catch (QueueControlClient.Unreachable | QueueControlClient.Refused e) {
            err.println("postern: fatal: " + e.getMessage());
            return 1;
        }
    }

    private int list(WebAdminHttp http) throws QueueControlClient.Unreachable, QueueControlClient.Refused {
        String body = http.expectSuccess(HttpRequest.newBuilder(http.uri("/users")).GET());
        try {
            for (JsonNode user : JSON.readTree(body)) {
                out.println(user.path("username").asText());
            }
        } catch (JsonProcessingException e) {
            throw new QueueControlClient.Refused("the server's user list is not JSON: " + body);
        }
        return 0;
    }

    private int delete(WebAdminHttp http, String name) throws QueueControlClient.Unreachable, QueueControlClient.Refused {
        // James answers 204 to the deletion of a user it does not have; say so instead.
        HttpResponse<String> exists = http.send(HttpRequest.newBuilder(http.uri(path(name)))
            .method("HEAD", HttpRequest.BodyPublishers.noBody()));
        if (exists.statusCode() == 404) {
            err.println("postern: fatal: no user " + name);
            return 1;
        }
        http.expectSuccess(HttpRequest.newBuilder(http.uri(path(name))).DELETE());
        out.println("postern: user " + name + " deleted");
        return 0;
    }

    private int setPassword(WebAdminHttp http, String name, boolean change)
            throws QueueControlClient.Unreachable, QueueControlClient.Refused {
        char[] password = readPassword(name);
        String body;
        try {
            body = JSON.writeValueAsString(Map.of("password", new String(password)));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write a JSON string", e);
        } finally {
            Arrays.fill(password, '\0');
        }
        if (change) {
            HttpResponse<String> exists = http.send(HttpRequest.newBuilder(http.uri(path(name)))
                .method("HEAD", HttpRequest.BodyPublishers.noBody()));
            if (exists.statusCode() == 404) {
                err.println("postern: fatal: no user " + name + "; `postern user add " + name + "` creates it");
                return 1;
            }
        }
        HttpResponse<String> response = http.send(HttpRequest.newBuilder(http.uri(path(name) + (change ? "?force" : "")))
            .PUT(HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8))
            .header("Content-Type", "application/json"));
        if (response.statusCode() == 409) {
            err.println("postern: fatal: user " + name + " exists; `postern user password " + name
                + "` sets a new password");
            return 1;
        }
        if (response.statusCode() / 100 != 2) {
            throw new QueueControlClient.Refused("the server at " + http.authority() + " answered "
                + response.statusCode() + ": " + WebAdminHttp.message(response.body()));
        }
        out.println("postern: user " + name + (change ? " has a new password" : " added"));
        return 0;
    }

    /** The first line of standard input, or the same answer typed twice on a terminal. */
    private char[] readPassword(String name) {
        if (console != null) {
            char[] first = console.readPassword("Password for %s: ", name);
            char[] second = console.readPassword("Again: ");
            if (first == null || second == null || !Arrays.equals(first, second)) {
                throw new IllegalArgumentException("the two passwords differ; nothing was changed");
            }
            Arrays.fill(second, '\0');
            return requireNonEmpty(first);
        }
        try {
            String line = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8)).readLine();
            return requireNonEmpty(line == null ? new char[0] : line.toCharArray());
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot read the password from standard input: " + e.getMessage());
        }
    }

    private static char[] requireNonEmpty(char[] password) {
        if (password.length == 0) {
            throw new IllegalArgumentException("no password: give it on the first line of standard input, e.g."
                + " `printf '%s\\n' \"$PASSWORD\" | postern user add NAME`");
        }
        return password;
    }

    private static String path(String name) {
        return "/users/" + DomainCommand.segment(name);
    }
}
