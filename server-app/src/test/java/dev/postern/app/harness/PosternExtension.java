package dev.postern.app.harness;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * JUnit 5 extension and factory for end-to-end tests. Register it per test instance:
 *
 * <pre>{@code
 * @RegisterExtension
 * final PosternExtension postern = new PosternExtension();
 *
 * @Test
 * void relays() {
 *     SmtpSink sink = postern.newSink();                               // started
 *     PosternServer server = postern.newServer().relayhost(sink).start();
 *     ...
 * }
 * }</pre>
 *
 * <p>Each {@link #newServer()} gets a fresh home {@code target/it-homes/<Class>-<method>-<n>}. After each
 * test every server is stopped (SIGTERM, SIGKILL after 30 s) and every sink closed; the homes of a test
 * that passed are deleted, those of a failed test are kept and their path, console tail and mail log
 * tail are printed.
 */
public final class PosternExtension implements BeforeEachCallback, AfterEachCallback {

    private final Path explicitDistribution;
    private Path distribution;
    private String testName = "test";
    private final List<PosternServer> servers = new ArrayList<>();
    private final List<SmtpSink> sinks = new ArrayList<>();

    /** Uses the distribution named by {@code -Dpostern.distribution} (see {@link Distribution#locate()}). */
    public PosternExtension() {
        this(null);
    }

    public PosternExtension(Path distribution) {
        this.explicitDistribution = distribution;
    }

    @Override
    public void beforeEach(ExtensionContext context) {
        String method = context.getTestMethod().map(m -> m.getName()).orElse("test");
        String type = context.getTestClass().map(Class::getSimpleName).orElse("IT");
        testName = sanitize(type + "-" + method);
    }

    /** A server with a fresh home and its own free ports; not started. */
    public synchronized PosternServer newServer() {
        Path dist = distribution();
        Path root = Distribution.homesRoot(dist);
        try {
            Files.createDirectories(root);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        Path home;
        int n = servers.size() + 1;
        do {
            home = root.resolve(testName + "-" + n++);
        } while (Files.exists(home));
        PosternServer server = PosternServer.create(dist, home);
        servers.add(server);
        return server;
    }

    /** A started sink on a port chosen by the OS. */
    public SmtpSink newSink() {
        return register(new SmtpSink()).start();
    }

    /** A sink for {@code 127.0.0.1:port}, NOT started (start it when the test wants the next hop up). */
    public SmtpSink newSinkOnPort(int port) {
        return register(new SmtpSink(port));
    }

    private synchronized SmtpSink register(SmtpSink sink) {
        sinks.add(sink);
        return sink;
    }

    public synchronized Path distribution() {
        if (distribution == null) {
            distribution = explicitDistribution != null ? explicitDistribution.toAbsolutePath() : Distribution.locate();
        }
        return distribution;
    }

    @Override
    public void afterEach(ExtensionContext context) {
        List<PosternServer> toStop;
        List<SmtpSink> toClose;
        synchronized (this) {
            toStop = new ArrayList<>(servers);
            toClose = new ArrayList<>(sinks);
            servers.clear();
            sinks.clear();
        }
        boolean failed = context.getExecutionException().isPresent();
        for (PosternServer server : toStop) {
            server.close();
        }
        for (SmtpSink sink : toClose) {
            sink.close();
        }
        for (PosternServer server : toStop) {
            if (failed) {
                System.out.println("[postern-it] " + testName + " failed; home kept at " + server.home() + "\n"
                        + server.describe());
            } else {
                try {
                    PosternServer.deleteTree(server.home());
                } catch (IOException e) {
                    System.out.println("[postern-it] could not delete " + server.home() + ": " + e);
                }
            }
        }
    }

    private static String sanitize(String name) {
        return name.replaceAll("[^A-Za-z0-9._-]", "_");
    }
}
