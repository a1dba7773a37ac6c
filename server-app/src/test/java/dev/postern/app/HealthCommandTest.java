package dev.postern.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.sun.net.httpserver.HttpServer;

import dev.postern.app.webadmin.WebAdminToken;
import dev.postern.config.ConfigException;
import dev.postern.config.MainCf;

/** {@code postern health} against a small HTTP server on loopback that answers as James's /healthcheck does. */
class HealthCommandTest {
    @TempDir
    Path home;
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();
    private final AtomicReference<String> path = new AtomicReference<>();
    private final AtomicReference<String> authorization = new AtomicReference<>();
    private HttpServer server;
    private WebAdminToken token;

    /** The server made its token at its first start; the command reads it from the home's var/. */
    @BeforeEach
    void token() throws IOException {
        token = WebAdminToken.loadOrCreate(home.resolve("var"));
    }

    @AfterEach
    void stop() {
        if (server != null) {
            server.stop(0);
        }
    }

    private String answering(int status, String body) throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/", exchange -> {
            path.set(exchange.getRequestURI().getPath());
            authorization.set(exchange.getRequestHeaders().getFirst("Authorization"));
            byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(status, bytes.length);
            try (OutputStream stream = exchange.getResponseBody()) {
                stream.write(bytes);
            }
        });
        server.start();
        return "0.0.0.0:" + server.getAddress().getPort();
    }

    private HealthCommand command(String webadminListen) {
        return new HealthCommand(PosternHome.of(home), () -> mainCf(webadminListen),
            new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
    }

    private static MainCf mainCf(String webadminListen) {
        try {
            return MainCf.parse("main.cf", List.of("postern_webadmin_listen = " + webadminListen), Map.of());
        } catch (ConfigException e) {
            throw new IllegalStateException(e);
        }
    }

    private String errText() {
        return err.toString(StandardCharsets.UTF_8);
    }

    @Test
    void healthyIsStatusZero() throws IOException {
        String listen = answering(200, "{\"status\":\"healthy\",\"checks\":[{\"componentName\":\"Postern queue directory\","
            + "\"escapedComponentName\":\"Postern%20queue%20directory\",\"status\":\"healthy\",\"cause\":null}]}");

        assertThat(command(listen).run(List.of())).isZero();

        assertThat(path.get()).isEqualTo("/healthcheck");
        assertThat(authorization.get()).as("the token of the home's var/").isEqualTo(token.authorization())
            .startsWith("Bearer ");
        assertThat(out.toString(StandardCharsets.UTF_8)).isEqualTo("postern: health: healthy" + System.lineSeparator());
        assertThat(errText()).isEmpty();
    }

    @Test
    void anUnhealthyComponentIsOneLineNamingItAndItsCause() throws IOException {
        String listen = answering(503, "{\"status\":\"unhealthy\",\"checks\":["
            + "{\"componentName\":\"Guice application lifecycle\",\"status\":\"healthy\",\"cause\":null},"
            + "{\"componentName\":\"Postern queue directory\",\"status\":\"unhealthy\",\"cause\":\"/v/queue is not a directory\"},"
            + "{\"componentName\":\"Postern lookup tables\",\"status\":\"unhealthy\",\"cause\":\"cannot read /c/access\"}]}");

        assertThat(command(listen).run(List.of())).isEqualTo(1);

        assertThat(errText()).isEqualTo("postern: health: unhealthy: Postern queue directory unhealthy: /v/queue is not a directory; "
            + "Postern lookup tables unhealthy: cannot read /c/access" + System.lineSeparator());
        assertThat(out.size()).isZero();
    }

    @Test
    void degradedIsNotHealthy() throws IOException {
        String listen = answering(200, "{\"status\":\"degraded\",\"checks\":["
            + "{\"componentName\":\"Error mail repository\",\"status\":\"degraded\",\"cause\":null}]}");

        assertThat(command(listen).run(List.of())).isEqualTo(1);

        assertThat(errText()).startsWith("postern: health: degraded: Error mail repository degraded: no cause given");
    }

    @Test
    void anAnswerThatIsNotAHealthReportIsUnhealthy() throws IOException {
        String listen = answering(404, "<html>Not Found</html>");

        assertThat(command(listen).run(List.of())).isEqualTo(1);

        assertThat(errText()).contains("answered 404 without a health status: <html>Not Found</html>");
    }

    @Test
    void aServerThatAnswersWhileTheHomeHasNoTokenIsNamedWithTheTokenFile() throws IOException {
        String listen = answering(401, "{\"message\":\"unauthorized\"}");
        java.nio.file.Files.delete(WebAdminToken.file(home.resolve("var")));

        assertThat(command(listen).run(List.of())).isEqualTo(1);

        assertThat(errText()).startsWith("postern: health: no WebAdmin token at "
            + WebAdminToken.file(home.resolve("var").toAbsolutePath()));
    }

    @Test
    void noServerIsOneLineAndStatusOne() throws IOException {
        int port;
        try (ServerSocket socket = new ServerSocket(0)) {
            port = socket.getLocalPort();
        }

        assertThat(command("127.0.0.1:" + port).run(List.of())).isEqualTo(1);

        assertThat(errText().lines()).hasSize(1);
        assertThat(errText()).startsWith("postern: health: no Postern server answers at 127.0.0.1:" + port
            + " (postern_webadmin_listen in " + home.resolve("conf/main.cf") + "): connection refused");
    }

    @Test
    void webAdminSwitchedOffAndArgumentsAreNamed() {
        assertThat(command("").run(List.of())).isEqualTo(1);
        assertThat(errText()).contains("postern_webadmin_listen is empty in");

        assertThatThrownBy(() -> command("127.0.0.1:1").run(List.of("-v"))).hasMessage(HealthCommand.USAGE);
    }
}
