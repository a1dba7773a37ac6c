package dev.postern.delivery.smtp.sts;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.time.Duration;
import java.util.List;

import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;

/** The fetch of RFC 8461 §3.3 against an HTTPS server on loopback with a certificate for localhost. */
class HttpsPolicyFetcherTest {
    private static final String POLICY = "version: STSv1\r\nmode: enforce\r\nmx: mx.example.com\r\nmax_age: 86400\r\n";

    @TempDir
    Path directory;

    private HttpsServer server;

    @AfterEach
    void stop() {
        if (server != null) {
            server.stop(0);
        }
    }

    @Test
    void aPlainTextPolicyIsFetchedRedirectsWrongTypesOversizeAndUntrustedServersAreNot() throws Exception {
        Path pem = startServer();
        HttpsPolicyFetcher fetcher = new HttpsPolicyFetcher(StsTrust.fromCaFile(pem.toString()).httpsContext(),
            Duration.ofSeconds(10), domain -> "https://localhost:" + server.getAddress().getPort() + "/" + domain);

        assertThat(fetcher.fetch("good")).isEqualTo(POLICY);
        assertThatThrownBy(() -> fetcher.fetch("redirect")).isInstanceOf(StsPolicyException.class)
            .hasMessageContaining("/redirect: HTTP status 302 (redirects are not followed)");
        assertThatThrownBy(() -> fetcher.fetch("html")).isInstanceOf(StsPolicyException.class)
            .hasMessageContaining("content type \"text/html\" is not text/plain");
        assertThatThrownBy(() -> fetcher.fetch("huge")).isInstanceOf(StsPolicyException.class)
            .hasMessageContaining("policy larger than 65536 bytes");

        HttpsPolicyFetcher untrusting = new HttpsPolicyFetcher(StsTrust.fromCaFile("").httpsContext(),
            Duration.ofSeconds(10), domain -> "https://localhost:" + server.getAddress().getPort() + "/" + domain);
        assertThatThrownBy(() -> untrusting.fetch("good")).isInstanceOf(StsPolicyException.class)
            .hasMessageStartingWith("https://localhost:" + server.getAddress().getPort() + "/good: ");
    }

    @Test
    void theUrlIsTheWellKnownPathOfTheMtaStsHost() {
        assertThat(HttpsPolicyFetcher.url("example.com", 443)).isEqualTo("https://mta-sts.example.com/.well-known/mta-sts.txt");
    }

    private Path startServer() throws Exception {
        Path store = directory.resolve("web.p12");
        Path pem = directory.resolve("web.pem");
        String keytool = Path.of(System.getProperty("java.home"), "bin", "keytool").toString();
        run(List.of(keytool, "-genkeypair", "-alias", "web", "-keyalg", "RSA", "-keysize", "2048", "-validity", "2",
            "-dname", "CN=localhost", "-ext", "SAN=dns:localhost", "-storetype", "PKCS12", "-keystore", store.toString(),
            "-storepass", "changeit", "-keypass", "changeit"));
        run(List.of(keytool, "-exportcert", "-rfc", "-alias", "web", "-keystore", store.toString(), "-storepass", "changeit",
            "-file", pem.toString()));
        KeyStore keys = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(store)) {
            keys.load(in, "changeit".toCharArray());
        }
        KeyManagerFactory factory = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        factory.init(keys, "changeit".toCharArray());
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(factory.getKeyManagers(), null, null);

        server = HttpsServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.setHttpsConfigurator(new HttpsConfigurator(context));
        server.createContext("/", exchange -> {
            String path = exchange.getRequestURI().getPath();
            byte[] body = switch (path) {
                case "/huge" -> ("version: STSv1\n" + "x".repeat(HttpsPolicyFetcher.MAX_BYTES)).getBytes(StandardCharsets.UTF_8);
                case "/html" -> "<html></html>".getBytes(StandardCharsets.UTF_8);
                default -> POLICY.getBytes(StandardCharsets.UTF_8);
            };
            exchange.getResponseHeaders().add("Content-Type", path.equals("/html") ? "text/html" : "text/plain; charset=utf-8");
            if (path.equals("/redirect")) {
                exchange.getResponseHeaders().add("Location", "/good");
                exchange.sendResponseHeaders(302, -1);
                exchange.close();
                return;
            }
            exchange.sendResponseHeaders(200, body.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
        });
        server.start();
        return pem;
    }

    private static void run(List<String> command) throws Exception {
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes());
        if (process.waitFor() != 0) {
            throw new IllegalStateException("keytool failed: " + output);
        }
    }
}
