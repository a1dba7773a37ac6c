package dev.postern.stockjames;

import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** The few James WebAdmin calls the test makes: create a user, read a mail repository. */
final class WebAdmin {
    private static final Pattern JSON_STRING = Pattern.compile("\"((?:[^\"\\\\]|\\\\.)*)\"");
    private final HttpClient http = HttpClient.newHttpClient();
    private final String base;

    WebAdmin(int port) {
        this.base = "http://127.0.0.1:" + port;
    }

    void addUser(String name, String password) throws IOException, InterruptedException {
        HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create(base + "/users/" + name))
            .header("Content-Type", "application/json")
            .PUT(HttpRequest.BodyPublishers.ofString("{\"password\":\"" + password + "\"}")).build(),
            HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() != 204) {
            throw new IOException("PUT /users/" + name + ": " + response.statusCode() + " " + response.body());
        }
    }

    /** The keys of the mails in a repository such as {@code var/mail/error}; none when it does not exist. */
    List<String> mailKeys(String repository) throws IOException, InterruptedException {
        HttpResponse<String> response = get("/mailRepositories/" + encode(repository) + "/mails");
        if (response.statusCode() == 404) {
            return List.of();
        }
        return strings(checked(response).body());
    }

    /** The recipients of one stored mail, from its JSON details. */
    List<String> recipients(String repository, String key) throws IOException, InterruptedException {
        String json = checked(get("/mailRepositories/" + encode(repository) + "/mails/" + encode(key))).body();
        Matcher list = Pattern.compile("\"recipients\"\\s*:\\s*\\[([^\\]]*)\\]").matcher(json);
        if (!list.find()) {
            throw new IOException("no recipients in " + json);
        }
        return strings(list.group(1));
    }

    private HttpResponse<String> get(String path) throws IOException, InterruptedException {
        return http.send(HttpRequest.newBuilder(URI.create(base + path)).header("Accept", "application/json").GET().build(),
            HttpResponse.BodyHandlers.ofString());
    }

    private static HttpResponse<String> checked(HttpResponse<String> response) throws IOException {
        if (response.statusCode() != 200) {
            throw new IOException(response.request().uri() + ": " + response.statusCode() + " " + response.body());
        }
        return response;
    }

    private static List<String> strings(String json) {
        List<String> values = new ArrayList<>();
        Matcher m = JSON_STRING.matcher(json);
        while (m.find()) {
            values.add(m.group(1));
        }
        return values;
    }

    private static String encode(String segment) {
        return URLEncoder.encode(segment, StandardCharsets.UTF_8).replace("+", "%20");
    }
}
