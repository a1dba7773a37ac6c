package dev.postern.tables.sql;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.postern.tables.LookupException;
import dev.postern.tables.LookupTable;
import dev.postern.tables.TableRegistry;
import dev.postern.testing.db.MariaDbServer;

/** mysql: tables against a real MariaDB started for this class. */
class MysqlTableTest {
    private static MariaDbServer server;

    @TempDir
    Path dir;
    private TableRegistry registry;

    @BeforeAll
    static void startServer() {
        server = MariaDbServer.create();
        server.createDatabase("mail", "postfix", "secret");
        server.sql("mail", "CREATE TABLE alias (address text, goto text);"
            + " INSERT INTO alias VALUES ('info@example.com', 'ann@example.com'), ('info@example.com', 'bob@example.com'),"
            + " ('it''s%\\\\@example.com', 'quoted@example.com');"
            + " CREATE TABLE quota (id integer, mailbox text); INSERT INTO quota VALUES (7, 'seven@example.com')");
    }

    @AfterAll
    static void stopServer() {
        if (server != null) {
            server.close();
        }
    }

    @BeforeEach
    void openRegistry() {
        registry = new TableRegistry(dir);
    }

    @AfterEach
    void closeRegistry() {
        registry.close();
    }

    private LookupTable open(String query, String... more) throws Exception {
        Path file = dir.resolve("t.cf");
        List<String> lines = new java.util.ArrayList<>(List.of("hosts = inet:" + server.host() + ":" + server.port(),
            "user = postfix", "password = secret", "dbname = mail", "query = " + query, "connect_timeout = 2",
            "query_timeout = 2"));
        lines.addAll(List.of(more));
        Files.write(file, lines);
        return registry.open("mysql:t.cf");
    }

    @Test
    void rowsAreJoinedAndAKeyCannotInject() throws Exception {
        LookupTable table = open("SELECT goto FROM alias WHERE address = '%s' ORDER BY goto");

        assertThat(table.lookup("INFO@example.com")).contains("ann@example.com,bob@example.com");
        assertThat(table.lookup("it's%\\@example.com")).contains("quoted@example.com");
        assertThat(table.lookup("x' OR 'a'='a")).isEmpty();
        assertThat(table.lookup("x'; DELETE FROM alias; --")).isEmpty();
        assertThat(server.sql("mail", "SELECT count(*) FROM alias").strip()).isEqualTo("3");
    }

    @Test
    void aBareExpansionIsComparedWithAnIntegerColumn() throws Exception {
        LookupTable table = open("SELECT mailbox FROM quota WHERE id = %s");

        assertThat(table.lookup("7")).contains("seven@example.com");
        assertThat(table.lookup("8 OR 1=1")).as("a value, not SQL: never every row").isEmpty();
    }

    @Test
    void aDeadFirstHostIsPassedOver() throws Exception {
        Path file = dir.resolve("two.cf");
        Files.write(file, List.of("hosts = 127.0.0.1:1 " + server.host() + ":" + server.port(), "user = postfix",
            "password = secret", "dbname = mail", "query = SELECT goto FROM alias WHERE address = '%s' LIMIT 1",
            "connect_timeout = 2"));
        LookupTable table = registry.open("mysql:two.cf");

        for (int i = 0; i < 4; i++) {
            assertThat(table.lookup("info@example.com")).isPresent();
        }
    }

    @Test
    void aSlowQueryIsALookupErrorAfterQueryTimeout() throws Exception {
        LookupTable table = open("SELECT CONCAT('%s', SLEEP(5))", "query_timeout = 1");

        long start = System.nanoTime();
        assertThatThrownBy(() -> table.lookup("x")).isInstanceOf(LookupException.class)
            .hasMessageContaining("mysql:t.cf");
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(4));
    }

    @Test
    void aStoppedServerIsALookupErrorAndItsReturnIsNoticed() throws Exception {
        LookupTable table = open("SELECT goto FROM alias WHERE address = '%s' ORDER BY goto LIMIT 1");
        assertThat(table.lookup("info@example.com")).contains("ann@example.com");

        server.stop();
        try {
            assertThatThrownBy(() -> table.lookup("info@example.com")).isInstanceOf(LookupException.class)
                .hasMessageContaining("mysql:t.cf")
                .hasMessageNotContaining("secret");
        } finally {
            server.start();
        }
        assertThat(table.lookup("info@example.com")).contains("ann@example.com");
    }
}
