package dev.postern.app.harness;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.when;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.RegisterExtension;

import dev.postern.testing.smtp.SmtpSink;

/** Homes are named after the test, and a passed test leaves neither processes nor homes behind. */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class PosternExtensionTest {

    private static final Path DISTRIBUTION;
    private static final List<Path> HOMES = new ArrayList<>();
    private static final List<PosternProcess> SERVERS = new ArrayList<>();
    private static final List<SmtpSink> SINKS = new ArrayList<>();

    static {
        try {
            DISTRIBUTION = FakeDistribution.create(Files.createTempDirectory("postern-fake-dist"));
        } catch (IOException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    @RegisterExtension
    final PosternExtension postern = new PosternExtension(DISTRIBUTION);

    @Test
    @Order(1)
    void serversAndSinksComeFromTheExtension() {
        PosternProcess first = postern.newServer();
        PosternProcess second = postern.newServer().start();
        SmtpSink sink = postern.newSink();
        SmtpSink later = postern.newSinkOnPort(FreePorts.allocate());

        assertThat(first.home().getFileName().toString()).isEqualTo("PosternExtensionTest-serversAndSinksComeFromTheExtension-1");
        assertThat(second.home().getFileName().toString()).isEqualTo("PosternExtensionTest-serversAndSinksComeFromTheExtension-2");
        assertThat(first.home().getParent()).isEqualTo(Distribution.homesRoot(DISTRIBUTION));
        assertThat(first.smtpPort()).isNotEqualTo(second.smtpPort());
        assertThat(sink.isRunning()).isTrue();
        assertThat(later.isRunning()).isFalse();
        HOMES.add(first.home());
        HOMES.add(second.home());
        SERVERS.add(second);
        SINKS.add(sink);
    }

    @Test
    @Order(2)
    void afterAPassedTestEverythingIsStoppedAndDeleted() {
        assertThat(HOMES).hasSize(2).allSatisfy(home -> assertThat(home).doesNotExist());
        assertThat(SERVERS.get(0).isRunning()).isFalse();
        assertThat(SINKS.get(0).isRunning()).isFalse();
    }

    @Test
    @Order(3)
    void serversMadeOutsideATestLiveUntilTheClassEnds() throws Exception {
        PosternExtension shared = new PosternExtension(DISTRIBUTION);
        ExtensionContext context = context("aTest");
        shared.beforeAll(context);
        PosternProcess classServer = shared.newServer().start();
        SmtpSink classSink = shared.newSink();

        shared.beforeEach(context);
        PosternProcess testServer = shared.newServer().start();
        shared.afterEach(context);

        assertThat(classServer.home().getFileName().toString()).isEqualTo("PosternExtensionTest-shared-1");
        assertThat(testServer.home().getFileName().toString()).isEqualTo("PosternExtensionTest-aTest-1");
        assertThat(testServer.isRunning()).as("a test's own server stops after the test").isFalse();
        assertThat(testServer.home()).doesNotExist();
        assertThat(classServer.isRunning()).as("the class's server outlives each test").isTrue();
        assertThat(classSink.isRunning()).isTrue();

        shared.beforeEach(context);
        shared.afterEach(context);
        shared.afterAll(context);
        assertThat(classServer.isRunning()).as("the class's server stops after the class").isFalse();
        assertThat(classSink.isRunning()).isFalse();
        assertThat(classServer.home()).doesNotExist();
    }

    @Test
    @Order(4)
    void aFailedTestKeepsTheHomeOfTheClassServer() throws Exception {
        PosternExtension shared = new PosternExtension(DISTRIBUTION);
        ExtensionContext passed = context("passes");
        ExtensionContext failed = context("fails");
        when(failed.getExecutionException()).thenReturn(Optional.of(new AssertionError("boom")));
        shared.beforeAll(passed);
        PosternProcess classServer = shared.newServer().start();
        shared.beforeEach(failed);
        shared.afterEach(failed);
        shared.beforeEach(passed);
        shared.afterEach(passed);
        shared.afterAll(passed);

        assertThat(classServer.isRunning()).isFalse();
        assertThat(classServer.home()).as("kept for the failure report").exists();
        PosternProcess.deleteTree(classServer.home());
    }

    /** What JUnit tells the extension about a test of this class named {@code method}. */
    private static ExtensionContext context(String method) throws NoSuchMethodException {
        ExtensionContext context = mock(ExtensionContext.class);
        when(context.getTestClass()).thenReturn(Optional.of(PosternExtensionTest.class));
        when(context.getTestMethod()).thenReturn(Optional.of(Probes.class.getDeclaredMethod(method)));
        when(context.getExecutionException()).thenReturn(Optional.empty());
        return context;
    }

    /** Methods only for their names. */
    @SuppressWarnings("unused")
    private static final class Probes {
        void aTest() {
        }

        void passes() {
        }

        void fails() {
        }
    }

    @AfterAll
    static void removeFakeDistribution() throws IOException {
        PosternProcess.deleteTree(DISTRIBUTION);
    }
}
