package dev.postern.app.control;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Optional;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.postern.app.PosternHome;
import dev.postern.app.webadmin.WebAdminToken;
import dev.postern.config.ListenAddress;
import dev.postern.config.MainCf;

/**
 * The command line's connection to a running server's WebAdmin: the address it is reached at, and
 * the token of the home's var/ on every request, so that the administrator never handles it.
 */
public final class WebAdminHttp {
    private static final String PARAMETER = "postern_webadmin_listen";
    private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(5);
    private static final ObjectMapper JSON = new ObjectMapper();

    private final String authority;
    private final Optional<WebAdminToken> token;
    /** Why there is no token; said only once a server answers, since "no server" is the likelier news. */
    private final Optional<String> tokenProblem;
    private final String where;
    private final Duration timeout;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(CONNECT_TIMEOUT).build();

    /** @param where how to name the server's address in errors, e.g. the parameter it comes from */
    public WebAdminHttp(ListenAddress webadmin, WebAdminToken token, String where, Duration timeout) {
        this(webadmin, Optional.of(token), Optional.empty(), where, timeout);
    }

    private WebAdminHttp(ListenAddress webadmin, Optional<WebAdminToken> token, Optional<String> tokenProblem,
                         String where, Duration timeout) {
        this.authority = QueueControlClient.connectable(webadmin);
        this.token = token;
        this.tokenProblem = tokenProblem;
        this.where = where;
        this.timeout = timeout;
    }

    /**
     * The connection to the server of a home: its {@code postern_webadmin_listen} and the token in its var/.
     *
     * @param purpose what needs WebAdmin, for the error when the parameter is empty ("queue control")
     */
    public static WebAdminHttp forHome(PosternHome home, MainCf mainCf, String purpose, Duration timeout)
            throws QueueControlClient.Unreachable {
        Optional<ListenAddress> webadmin = ListenAddress.parse(PARAMETER, mainCf.get(PARAMETER));
        if (webadmin.isEmpty()) {
            throw new QueueControlClient.Unreachable(PARAMETER + " is empty in " + home.mainCf() + ": " + purpose
                + " needs WebAdmin", null);
        }
        Optional<WebAdminToken> token;
        Optional<String> tokenProblem;
        try {
            token = Optional.of(WebAdminToken.read(home.var()));
            tokenProblem = Optional.empty();
        } catch (IOException e) {
            token = Optional.empty();
            tokenProblem = Optional.of(e.getMessage());
        }
        return new WebAdminHttp(webadmin.get(), token, tokenProblem, PARAMETER + " in " + home.mainCf(), timeout);
    }

    public String authority() {
        return authority;
    }

    public URI uri(String pathAndQuery) {
        return URI.create("http://" + authority + pathAndQuery);
    }

    /** One exchange, whatever its status; only a server that does not answer is an exception. */
    public HttpResponse<String> send(HttpRequest.Builder request) throws QueueControlClient.Unreachable {
        token.ifPresent(t -> request.header("Authorization", t.authorization()));
        HttpResponse<String> response;
        try {
            response = http.send(request.timeout(timeout).build(), HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new QueueControlClient.Unreachable("no Postern server answers at " + authority + " (" + where + "): "
                + describe(e) + "; is it running?", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new QueueControlClient.Unreachable("interrupted while waiting for the server at " + authority, e);
        }
        if (tokenProblem.isPresent()) {
            throw new QueueControlClient.Unreachable(tokenProblem.get(), null);
        }
        return response;
    }

    /** Like {@link #send} but a status other than 2xx is a {@link QueueControlClient.Refused} with the server's message. */
    public String expectSuccess(HttpRequest.Builder request)
            throws QueueControlClient.Unreachable, QueueControlClient.Refused {
        HttpResponse<String> response = send(request);
        if (response.statusCode() / 100 != 2) {
            throw new QueueControlClient.Refused("the server at " + authority + " answered " + response.statusCode()
                + ": " + message(response.body()));
        }
        return response.body();
    }

    /** The {@code message} of a WebAdmin error answer, or the whole body when it has none. */
    public static String message(String body) {
        try {
            JsonNode message = JSON.readTree(body).get("message");
            return message == null ? body : message.asText();
        } catch (IOException e) {
            return body;
        }
    }

    private static String describe(IOException e) {
        if (e instanceof java.net.ConnectException) {
            return "connection refused";
        }
        String text = e.getMessage();
        return text == null || text.isBlank() ? e.getClass().getSimpleName() : text;
    }
}
