package dev.postern.tables.net;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.postern.config.ConfigException;
import dev.postern.tables.LookupTable;
import dev.postern.tables.TableRegistry;
import dev.postern.testing.tables.TcpTableServer;

/** The server table types through the registry: shared instances, proxy:, connections closed with it. */
class NetworkTablesTest {
    @TempDir
    Path dir;

    @Test
    void proxyIsTheSameTableAndClosingTheRegistryClosesItsConnections() throws Exception {
        try (TcpTableServer server = TcpTableServer.onLoopback(0, request -> "200 found")) {
            TableRegistry registry = new TableRegistry(dir);
            String spec = "tcp:127.0.0.1:" + server.port();
            LookupTable table = registry.open(spec);
            assertThat(registry.open("proxy:" + spec)).isSameAs(table);
            assertThat(registry.open(" " + spec)).isSameAs(table);
            assertThat(table.lookup("a")).contains("found");
            assertThat(server.openConnections()).isEqualTo(1);

            registry.close();

            long deadline = System.nanoTime() + 5_000_000_000L;
            while (server.openConnections() > 0 && System.nanoTime() < deadline) {
                Thread.sleep(20);
            }
            assertThat(server.openConnections()).as("connections left open after close()").isZero();
        }
    }

    @Test
    void badNamesAreRefusedWhenOpened() {
        TableRegistry registry = new TableRegistry(dir);
        assertThatThrownBy(() -> registry.open("tcp:localhost")).isInstanceOf(ConfigException.class)
            .hasMessageContaining("expected host:port");
        assertThatThrownBy(() -> registry.open("ldap:missing.cf")).isInstanceOf(ConfigException.class)
            .hasMessageContaining("missing.cf: ldap table file not found");
        assertThatThrownBy(() -> registry.open("proxy:nosuch:x")).isInstanceOf(ConfigException.class)
            .hasMessageContaining("unknown table type \"nosuch\"");
        registry.close();
    }
}
