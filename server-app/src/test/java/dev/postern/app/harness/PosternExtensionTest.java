package dev.postern.app.harness;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Homes are named after the test, and a passed test leaves neither processes nor homes behind. */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class PosternExtensionTest {

    private static final Path DISTRIBUTION;
    private static final List<Path> HOMES = new ArrayList<>();
    private static final List<PosternServer> SERVERS = new ArrayList<>();
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
        PosternServer first = postern.newServer();
        PosternServer second = postern.newServer().start();
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

    @AfterAll
    static void removeFakeDistribution() throws IOException {
        PosternServer.deleteTree(DISTRIBUTION);
    }
}
