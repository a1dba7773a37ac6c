package dev.postern.tables.net;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import dev.postern.tables.LookupException;
import dev.postern.testing.tables.TcpTableServer;

class TcpTableTest {
    TcpTableServer server;
    TcpTable table;

    private static String reply(String request) throws InterruptedException {
        return switch (request) {
            case "get alias@example.com" -> "200 box@example.net";
            case "get with%20space" -> "200 two%20words%2C%25";
            case "get busy@example.com" -> "400 try again later";
            case "get sleepy@example.com" -> {
                Thread.sleep(2000);
                yield "500 late";
            }
            case "get garbage@example.com" -> "hello";
            default -> "500 not found";
        };
    }

    private void start() throws Exception {
        server = TcpTableServer.onLoopback(0, TcpTableTest::reply);
        table = TcpTable.open("tcp:127.0.0.1:" + server.port(), "127.0.0.1:" + server.port(), Duration.ofMillis(500));
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
    void encodesKeysDecodesValuesAndReusesTheConnection() throws Exception {
        start();
        assertThat(table.lookup("alias@example.com")).contains("box@example.net");
        assertThat(table.lookup("with space")).contains("two words,%");
        assertThat(table.lookup("nobody@example.com")).isEmpty();
        assertThat(server.requests()).containsExactly("get alias@example.com", "get with%20space", "get nobody@example.com");
        assertThat(server.connections()).isEqualTo(1);
    }

    @Test
    void a400OrAMalformedReplyIsALookupErrorAndTheNextLookupReconnects() throws Exception {
        start();
        assertThatThrownBy(() -> table.lookup("busy@example.com")).isInstanceOf(LookupException.class)
            .hasMessageContaining("400 try again later");
        assertThatThrownBy(() -> table.lookup("garbage@example.com")).isInstanceOf(LookupException.class)
            .hasMessageContaining("unexpected reply \"hello\"");
        assertThat(table.lookup("alias@example.com")).contains("box@example.net");
        assertThat(server.requests()).filteredOn(r -> r.contains("busy")).hasSize(1);
    }

    @Test
    void aSlowOrAbsentServerIsALookupError() throws Exception {
        start();
        assertThatThrownBy(() -> table.lookup("sleepy@example.com")).isInstanceOf(LookupException.class)
            .hasMessageContaining("timed out");
        int port = server.port();
        server.close();
        assertThatThrownBy(() -> table.lookup("alias@example.com")).isInstanceOf(LookupException.class);
        server = TcpTableServer.onLoopback(port, TcpTableTest::reply);
        assertThat(table.lookup("alias@example.com")).contains("box@example.net");
    }
}
