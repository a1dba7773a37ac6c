package dev.postern.tables.net;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.postern.config.ConfigException;
import dev.postern.tables.LookupException;
import dev.postern.testing.tables.SocketmapServer;

class SocketmapTableTest {
    private static final Map<String, String> REPLIES = Map.of(
        "virtual alias@example.com", "OK box@example.net",
        "virtual broken@example.com", "TEMP database restarting",
        "virtual denied@example.com", "PERM no such map",
        "virtual slow@example.com", "TIMEOUT upstream",
        "virtual odd@example.com", "MAYBE");

    @TempDir
    Path dir;
    SocketmapServer server;
    SocketmapTable table;

    private static String reply(String request) throws InterruptedException {
        if (request.endsWith("sleepy@example.com")) {
            Thread.sleep(2000);
        }
        return REPLIES.getOrDefault(request, "NOTFOUND ");
    }

    private SocketmapTable open(String name) throws ConfigException {
        table = SocketmapTable.open("socketmap:" + name, name, Duration.ofMillis(500));
        return table;
    }

    @AfterEach
    void tearDown() {
        if (table != null) {
            table.close();
        }
        if (server != null) {
            server.close();
        }
    }

    @Test
    void answersFoundAndNotFoundOverOneReusedConnection() throws Exception {
        server = SocketmapServer.onLoopback(0, SocketmapTableTest::reply);
        open("inet:127.0.0.1:" + server.port() + ":virtual");

        assertThat(table.lookup("alias@example.com")).contains("box@example.net");
        assertThat(table.lookup("nobody@example.com")).isEmpty();
        assertThat(table.lookup("Alias@Example.com")).isEmpty(); // sent as given: socketmap keys keep their case
        assertThat(server.requests()).containsExactly("virtual alias@example.com", "virtual nobody@example.com",
            "virtual Alias@Example.com");
        assertThat(server.connections()).isEqualTo(1);
        assertThat(table.isPattern()).isTrue();
    }

    @Test
    void servesOverAUnixDomainSocket() throws Exception {
        Path socket = dir.resolve("map.sock");
        server = SocketmapServer.onUnixSocket(socket, SocketmapTableTest::reply);
        open("unix:" + socket + ":virtual");

        assertThat(table.lookup("alias@example.com")).contains("box@example.net");
    }

    @Test
    void failureRepliesAreLookupErrorsNeverNotFound() throws Exception {
        server = SocketmapServer.onLoopback(0, SocketmapTableTest::reply);
        open("inet:127.0.0.1:" + server.port() + ":virtual");

        assertThatThrownBy(() -> table.lookup("broken@example.com")).isInstanceOf(LookupException.class)
            .hasMessageContaining("temporary error: TEMP database restarting");
        assertThatThrownBy(() -> table.lookup("denied@example.com")).isInstanceOf(LookupException.class)
            .hasMessageContaining("PERM no such map");
        assertThatThrownBy(() -> table.lookup("slow@example.com")).isInstanceOf(LookupException.class);
        assertThatThrownBy(() -> table.lookup("odd@example.com")).isInstanceOf(LookupException.class)
            .hasMessageContaining("unexpected reply \"MAYBE\"");
        assertThat(table.lookup("alias@example.com")).contains("box@example.net");
    }

    @Test
    void aSlowServerTimesOutAsALookupError() throws Exception {
        server = SocketmapServer.onLoopback(0, SocketmapTableTest::reply);
        open("inet:127.0.0.1:" + server.port() + ":virtual");

        assertThatThrownBy(() -> table.lookup("sleepy@example.com")).isInstanceOf(LookupException.class)
            .hasMessageContaining("timed out");
    }

    @Test
    void aServerThatIsDownFailsAndOneThatCameBackAnswers() throws Exception {
        server = SocketmapServer.onLoopback(0, SocketmapTableTest::reply);
        int port = server.port();
        open("inet:127.0.0.1:" + port + ":virtual");
        assertThat(table.lookup("alias@example.com")).contains("box@example.net");

        server.close();
        assertThatThrownBy(() -> table.lookup("alias@example.com")).isInstanceOf(LookupException.class)
            .hasMessageContaining("127.0.0.1:" + port);

        server = SocketmapServer.onLoopback(port, SocketmapTableTest::reply);
        assertThat(table.lookup("alias@example.com")).contains("box@example.net");
    }

    @Test
    void aConnectionTheServerClosedIsReplacedWithoutAnError() throws Exception {
        server = SocketmapServer.onLoopback(0, SocketmapTableTest::reply);
        open("inet:127.0.0.1:" + server.port() + ":virtual");
        assertThat(table.lookup("alias@example.com")).isPresent();

        server.dropConnections();
        assertThat(table.lookup("alias@example.com")).contains("box@example.net");
        assertThat(server.connections()).isEqualTo(2);
    }

    @Test
    void badNamesAreConfigurationErrors() {
        assertThatThrownBy(() -> SocketmapTable.open("socketmap:inet:host:25", "inet:host:25", Duration.ofSeconds(1)))
            .isInstanceOf(ConfigException.class);
        assertThatThrownBy(() -> SocketmapTable.open("socketmap:tcp:h:1:m", "tcp:h:1:m", Duration.ofSeconds(1)))
            .hasMessageContaining("expected socketmap:inet:host:port:name");
    }
}
