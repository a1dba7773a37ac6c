package dev.postern.app.control;

import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

import javax.inject.Inject;
import javax.mail.MessagingException;

import org.apache.james.webadmin.Routes;
import org.apache.james.webadmin.utils.JsonTransformer;

import spark.Request;
import spark.Response;
import spark.Service;

/**
 * WebAdmin routes behind {@code postern queue}, {@code flush} and {@code super}:
 * <ul>
 * <li>{@code GET /postern/queue}: every message as a {@link QueueEntry} (a JSON array)</li>
 * <li>{@code POST /postern/queue/flush}: deferred mail becomes due now</li>
 * <li>{@code POST /postern/queue/{delete|hold|release|requeue}?id=QID&id=...} ({@code id=ALL} for all);
 * {@code hold} with {@code until=INSTANT} keeps the mail queued until then instead</li>
 * </ul>
 * The POST routes answer {@code {"count": N}}, the number of mails affected; a bad {@code id} is a 400
 * whose {@code message} names it.
 */
public final class QueueControlRoutes implements Routes {
    public static final String BASE_PATH = "/postern/queue";
    private static final String JSON = "application/json";

    private final QueueControl control;
    private final JsonTransformer json = new JsonTransformer();

    @Inject
    public QueueControlRoutes(QueueControl control) {
        this.control = control;
    }

    @Override
    public String getBasePath() {
        return BASE_PATH;
    }

    @Override
    public void define(Service service) {
        service.get(BASE_PATH, (request, response) -> {
            response.type(JSON);
            return control.list();
        }, json);
        service.post(BASE_PATH + "/flush", (request, response) -> count(response, control.flush()), json);
        service.post(BASE_PATH + "/delete", (request, response) -> selected(request, response, control::delete), json);
        service.post(BASE_PATH + "/hold", (request, response) -> hold(request, response), json);
        service.post(BASE_PATH + "/release", (request, response) -> selected(request, response, control::release), json);
        service.post(BASE_PATH + "/requeue", (request, response) -> selected(request, response, control::requeue), json);
    }

    private interface Operation {
        long apply(QueueSelection selection) throws MessagingException;
    }

    /** {@code until=INSTANT}: held in the queue until then; without it, moved to the hold repository. */
    private Object hold(Request request, Response response) throws MessagingException {
        String until = request.queryParams("until");
        if (until == null) {
            return selected(request, response, control::hold);
        }
        Instant instant;
        try {
            instant = Instant.parse(until);
        } catch (DateTimeParseException e) {
            return badRequest(response, "until=" + until + " is not an ISO-8601 instant");
        }
        return selected(request, response, selection -> control.holdUntil(selection, instant));
    }

    private static Object badRequest(Response response, String message) {
        response.status(400);
        response.type(JSON);
        return Map.of("statusCode", 400, "message", message);
    }

    private static Object selected(Request request, Response response, Operation operation) throws MessagingException {
        String[] ids = request.queryParamsValues("id");
        QueueSelection selection;
        try {
            selection = QueueSelection.of(ids == null ? List.of() : Arrays.asList(ids));
        } catch (IllegalArgumentException e) {
            response.status(400);
            response.type(JSON);
            return Map.of("statusCode", 400, "message", e.getMessage());
        }
        return count(response, operation.apply(selection));
    }

    private static Object count(Response response, long count) {
        response.type(JSON);
        return Map.of("count", count);
    }
}
