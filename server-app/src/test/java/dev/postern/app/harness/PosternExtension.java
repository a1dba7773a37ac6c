package dev.postern.app.harness;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

import dev.postern.testing.smtp.SmtpSink;

/**
 * JUnit 5 extension and factory for end-to-end tests. Register it per test instance when every test
 * needs servers of its own:
 *
 * <pre>{@code
 * @RegisterExtension
 * final PosternExtension postern = new PosternExtension();
 *
 * @Test
 * void relays() {
 *     SmtpSink sink = postern.newSink();                               // started
 *     PosternProcess server = postern.newServer().relayhost(sink).start();
 *     ...
 * }
 * }</pre>
 *
 * <p>or on a static field to share one server between the tests of a class (a start costs about ten
 * seconds): servers and sinks made in {@code @BeforeAll} live until every test of the class has run,
 * those made inside a test are still stopped after that test.
 *
 * <pre>{@code
 * @RegisterExtension
 * static final PosternExtension postern = new PosternExtension();
 * static SmtpSink sink;
 * static PosternProcess server;
 *
 * @BeforeAll
 * static void startServer() {
 *     sink = postern.newSink();
 *     server = postern.newServer().relayhost(sink).start();
 * }
 * }</pre>
 *
 * <p>Tests that share a server must not depend on their order: each uses its own recipients and message
 * tokens and looks only at its own sink messages, queue IDs and mail log lines.
 *
 * <p>Each {@link #newServer()} gets a fresh home {@code target/it-homes/<Class>-<method>-<n>} (or
 * {@code <Class>-shared-<n>} for the class's own). After each test (for class servers: after the class)
 * every server of that scope is stopped (SIGTERM, SIGKILL after 30 s) and every sink closed; the homes of
 * a passed scope are deleted, those of a failed one are kept and their path, console tail and mail log
 * tail are printed. When a test fails, the class servers' tails are printed too, since they may be why.
 */
public final class PosternExtension implements BeforeAllCallback, BeforeEachCallback, AfterEachCallback, AfterAllCallback {

    private static final String SHARED = "shared";

    private final Path explicitDistribution;
    private Path distribution;
    /** Servers and sinks made outside any test (in {@code @BeforeAll}): they live until the class ends. */
    private final Scope classScope = new Scope();
    /** Servers and sinks made by the running test. */
    private final Scope testScope = new Scope();
    private boolean inTest;
    private boolean aTestFailed;

    /** Uses the distribution named by {@code -Dpostern.distribution} (see {@link Distribution#locate()}). */
    public PosternExtension() {
        this(null);
    }

    public PosternExtension(Path distribution) {
        this.explicitDistribution = distribution;
    }

    @Override
    public synchronized void beforeAll(ExtensionContext context) {
        classScope.name = sanitize(className(context) + "-" + SHARED);
    }

    @Override
    public synchronized void beforeEach(ExtensionContext context) {
        String method = context.getTestMethod().map(m -> m.getName()).orElse("test");
        testScope.name = sanitize(className(context) + "-" + method);
        inTest = true;
    }

    /** A server with a fresh home and its own free ports; not started. */
    public synchronized PosternProcess newServer() {
        Path dist = distribution();
        Path root = Distribution.homesRoot(dist);
        try {
            Files.createDirectories(root);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        Scope scope = currentScope();
        Path home;
        int n = scope.servers.size() + 1;
        do {
            home = root.resolve(scope.name + "-" + n++);
        } while (Files.exists(home));
        PosternProcess server = PosternProcess.create(dist, home);
        scope.servers.add(server);
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
        currentScope().sinks.add(sink);
        return sink;
    }

    private Scope currentScope() {
        return inTest ? testScope : classScope;
    }

    public synchronized Path distribution() {
        if (distribution == null) {
            distribution = explicitDistribution != null ? explicitDistribution.toAbsolutePath() : Distribution.locate();
        }
        return distribution;
    }

    @Override
    public void afterEach(ExtensionContext context) {
        boolean failed = context.getExecutionException().isPresent();
        Scope ended;
        List<PosternProcess> shared;
        synchronized (this) {
            inTest = false;
            aTestFailed |= failed;
            ended = testScope.takeAll();
            shared = List.copyOf(classScope.servers);
        }
        ended.close(failed);
        if (failed) {
            for (PosternProcess server : shared) {
                System.out.println("[postern-it] " + ended.name + " failed; it used the class's server " + server.home()
                        + " (still running)\n" + server.describe());
            }
        }
    }

    @Override
    public void afterAll(ExtensionContext context) {
        Scope ended;
        boolean failed;
        synchronized (this) {
            ended = classScope.takeAll();
            failed = aTestFailed || context.getExecutionException().isPresent();
        }
        ended.close(failed);
    }

    private static String className(ExtensionContext context) {
        return context.getTestClass().map(Class::getSimpleName).orElse("IT");
    }

    private static String sanitize(String name) {
        return name.replaceAll("[^A-Za-z0-9._-]", "_");
    }

    /** The servers and sinks of one test, or of the class. */
    private static final class Scope {
        String name = "test";
        final List<PosternProcess> servers = new ArrayList<>();
        final List<SmtpSink> sinks = new ArrayList<>();

        /** A copy holding everything this scope had; this scope is left empty for the next test. */
        Scope takeAll() {
            Scope taken = new Scope();
            taken.name = name;
            taken.servers.addAll(servers);
            taken.sinks.addAll(sinks);
            servers.clear();
            sinks.clear();
            return taken;
        }

        /** Stops every server, closes every sink; deletes the homes unless {@code failed}. */
        void close(boolean failed) {
            for (PosternProcess server : servers) {
                server.close();
            }
            for (SmtpSink sink : sinks) {
                sink.close();
            }
            for (PosternProcess server : servers) {
                if (failed) {
                    System.out.println("[postern-it] " + name + " failed; home kept at " + server.home() + "\n"
                            + server.describe());
                } else {
                    try {
                        PosternProcess.deleteTree(server.home());
                    } catch (IOException e) {
                        System.out.println("[postern-it] could not delete " + server.home() + ": " + e);
                    }
                }
            }
        }
    }
}
