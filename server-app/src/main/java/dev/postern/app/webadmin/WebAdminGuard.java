package dev.postern.app.webadmin;

import java.util.List;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;

import spark.Filter;
import spark.Request;
import spark.Response;
import spark.Spark;

/**
 * Runs before every WebAdmin route (James's own, Postern's, and the CORS preflight route James 3.8.1
 * installs whatever its configuration says) and lets through only what an administrator's tool sends:
 * <ol>
 * <li>no {@code Origin} header: browsers add it to cross-origin and to non-GET requests, tools do
 * not; a request that carries one came from a web page (403);</li>
 * <li>a {@code Host} that is WebAdmin's own listen address ({@link WebAdminHosts}), which defeats
 * DNS rebinding (403);</li>
 * <li>{@code Authorization: Bearer TOKEN} with the token of {@code var/store/webadmin.token} (401).</li>
 * </ol>
 * The CORS headers James adds to every answer are taken off again, so no answer invites a page to
 * read it.
 */
public final class WebAdminGuard implements Filter {
    private static final List<String> CORS_HEADERS = List.of("Access-Control-Allow-Origin",
        "Access-Control-Request-Method", "Access-Control-Allow-Headers", "Access-Control-Allow-Methods");
    private static final ObjectMapper JSON = new ObjectMapper();

    private final WebAdminHosts hosts;
    private final WebAdminToken token;

    public WebAdminGuard(WebAdminHosts hosts, WebAdminToken token) {
        this.hosts = hosts;
        this.token = token;
    }

    @Override
    public void handle(Request request, Response response) {
        CORS_HEADERS.forEach(header -> response.raw().setHeader(header, null));
        if (request.headers("Origin") != null) {
            throw refuse(response, 403, "Forbidden", "WebAdmin refuses requests from web pages (the request has an"
                + " Origin header); use bin/postern or a client that sends no Origin");
        }
        if (!hosts.accepts(request.headers("Host"))) {
            throw refuse(response, 403, "Forbidden", "WebAdmin answers only to its own address "
                + hosts.listen() + " as Host (postern_webadmin_listen)");
        }
        if (!token.authorizes(request.headers("Authorization"))) {
            response.header("WWW-Authenticate", "Bearer realm=\"postern\"");
            throw refuse(response, 401, "Unauthorized", "WebAdmin needs \"Authorization: Bearer TOKEN\" with the"
                + " token in var/" + WebAdminToken.FILE + " (bin/postern sends it)");
        }
    }

    private static RuntimeException refuse(Response response, int status, String type, String message) {
        response.type("application/json");
        String body;
        try {
            body = JSON.writeValueAsString(java.util.Map.of("statusCode", status, "type", type, "message", message));
        } catch (JsonProcessingException e) {
            body = "{}";
        }
        return Spark.halt(status, body);
    }
}
