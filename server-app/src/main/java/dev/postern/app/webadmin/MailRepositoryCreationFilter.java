package dev.postern.app.webadmin;

import java.io.UnsupportedEncodingException;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

import org.apache.james.mailrepository.api.MailRepositoryPath;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;

import spark.Filter;
import spark.Request;
import spark.Response;
import spark.Spark;

/**
 * Keeps {@code PUT /mailRepositories/{encodedPath}} (James's route that creates a mail repository, that
 * is a folder) inside {@code var/}: the path must be {@code var/NAME[/NAME...]} with names of letters,
 * digits, dot, dash and underscore that do not start with a dot. Anything else ({@code x}, {@code ~},
 * {@code ..\wa3}, {@code var/../x}, an absolute path) is a 400 that names the path, and nothing is
 * created. The path is decoded exactly as James's route decodes it, so the value judged here is the
 * value James would use.
 */
public final class MailRepositoryCreationFilter implements Filter {
    /** Where James's route is; the filter is registered on the same pattern so Spark matches both alike. */
    public static final String ROUTE = "/mailRepositories/:encodedPath";
    private static final Pattern UNDER_VAR = Pattern.compile("var(/[A-Za-z0-9_-][A-Za-z0-9._-]*)+");
    private static final ObjectMapper JSON = new ObjectMapper();

    @Override
    public void handle(Request request, Response response) {
        if (!request.requestMethod().equals("PUT")) {
            return;
        }
        Optional<String> problem;
        try {
            problem = problem(MailRepositoryPath.fromEncoded(request.params("encodedPath")));
        } catch (UnsupportedEncodingException | IllegalArgumentException e) {
            problem = Optional.of("the repository path " + request.params("encodedPath") + " cannot be decoded");
        }
        if (problem.isPresent()) {
            response.type("application/json");
            String body;
            try {
                body = JSON.writeValueAsString(Map.of("statusCode", 400, "type", "InvalidArgument",
                    "message", problem.get()));
            } catch (JsonProcessingException e) {
                body = "{}";
            }
            throw Spark.halt(400, body);
        }
    }

    /** Why a repository may not be created at this path, or empty when it may. */
    public static Optional<String> problem(MailRepositoryPath path) {
        String text = path.asString();
        if (UNDER_VAR.matcher(text).matches()) {
            return Optional.empty();
        }
        return Optional.of("mail repositories can only be created under var/ (var/NAME/..., names of letters,"
            + " digits, \".\", \"-\", \"_\", not starting with \".\"): \"" + printable(text) + "\" is not such a path");
    }

    private static String printable(String text) {
        StringBuilder out = new StringBuilder();
        text.codePoints().forEach(c -> out.appendCodePoint(c < 0x20 || c == 0x7f ? '?' : c));
        return out.toString();
    }
}
