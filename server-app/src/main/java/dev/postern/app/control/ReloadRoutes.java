package dev.postern.app.control;

import java.util.Map;

import javax.inject.Inject;

import org.apache.james.webadmin.Routes;
import org.apache.james.webadmin.utils.JsonTransformer;

import dev.postern.config.ConfigException;
import spark.Service;

/**
 * WebAdmin route behind {@code postern reload}: {@code POST /postern/reload} answers a
 * {@link ReloadOutcome}, or a 400 whose {@code message} names what is wrong in the configuration
 * (the running one stays).
 */
public final class ReloadRoutes implements Routes {
    public static final String BASE_PATH = "/postern/reload";
    private static final String JSON = "application/json";

    private final Reloader reloader;
    private final JsonTransformer json = new JsonTransformer();

    @Inject
    public ReloadRoutes(Reloader reloader) {
        this.reloader = reloader;
    }

    @Override
    public String getBasePath() {
        return BASE_PATH;
    }

    @Override
    public void define(Service service) {
        service.post(BASE_PATH, (request, response) -> {
            response.type(JSON);
            try {
                return reloader.reload();
            } catch (ConfigException e) {
                response.status(400);
                return Map.of("statusCode", 400, "message", e.getMessage());
            }
        }, json);
    }
}
