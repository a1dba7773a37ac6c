package dev.postern.tables.sql;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.util.List;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.postern.tables.LookupException;
import dev.postern.tables.LookupTable;
import dev.postern.tables.TableRegistry;

/** sqlite: tables against a real database file, opened through the registry as main.cf would. */
class SqliteTableTest {
    @TempDir
    Path dir;
    private TableRegistry registry;
    private Path database;

    @BeforeEach
    void createDatabase() throws Exception {
        database = dir.resolve("mail.sqlite");
        try (Connection connection = DriverManager.getConnection("jdbc:sqlite:" + database);
             Statement statement = connection.createStatement()) {
            statement.executeUpdate("CREATE TABLE alias (address TEXT, goto TEXT, extra TEXT)");
            statement.executeUpdate("INSERT INTO alias VALUES ('info@example.com', 'ann@example.com', NULL),"
                + " ('info@example.com', 'bob@example.com', ''), ('team@example.com', 'a@x.org', 'b@y.org'),"
                + " ('it''s%\\@example.com', 'quoted@example.com', NULL), ('@example.com', 'catchall@example.com', NULL)");
            statement.executeUpdate("CREATE TABLE domain (name TEXT, id INTEGER)");
            statement.executeUpdate("INSERT INTO domain VALUES ('example.com', 7)");
        }
        registry = new TableRegistry(dir);
    }

    @AfterEach
    void close() {
        registry.close();
    }

    private LookupTable open(String name, String... lines) throws Exception {
        Files.write(dir.resolve(name), List.of(lines));
        return registry.open("sqlite:" + name);
    }

    @Test
    void joinsEveryNonEmptyColumnOfEveryRowWithCommas() throws Exception {
        LookupTable table = open("alias.cf", "dbpath = " + database,
            "query = SELECT goto, extra FROM alias WHERE address = '%s' ORDER BY goto");

        assertThat(table.lookup("info@example.com")).contains("ann@example.com,bob@example.com");
        assertThat(table.lookup("Team@Example.COM")).contains("a@x.org,b@y.org");
        assertThat(table.lookup("nobody@example.com")).isEmpty();
    }

    @Test
    void aKeyWithQuotesPercentAndBackslashIsOnlyEverAValue() throws Exception {
        LookupTable table = open("alias.cf", "dbpath = " + database,
            "query = SELECT goto FROM alias WHERE address = '%s'");

        assertThat(table.lookup("it's%\\@example.com")).contains("quoted@example.com");
        assertThat(table.lookup("x' OR '1'='1")).isEmpty();
        assertThat(table.lookup("x' OR address LIKE '%")).isEmpty();
        assertThat(table.lookup("x'; DROP TABLE alias; --")).isEmpty();
        assertThat(table.lookup("info@example.com")).hasValueSatisfying(value -> assertThat(value).contains("ann@"));
    }

    @Test
    void domainResultFormatAndExpansionLimitBehaveAsPostfix() throws Exception {
        LookupTable limited = open("domain.cf", "dbpath = " + database,
            "query = SELECT goto FROM alias WHERE address = '%s'",
            "domain = example.com",
            "result_format = smtp:[%d] for %U",
            "expansion_limit = 1");

        assertThat(limited.lookup("team@example.com")).contains("smtp:[x.org] for team");
        assertThat(limited.lookup("@example.com")).as("@domain keys are skipped with a domain list").isEmpty();
        assertThat(limited.lookup("team@example.org")).isEmpty();
        assertThatThrownBy(() -> limited.lookup("info@example.com")).isInstanceOf(LookupException.class)
            .hasMessageContaining("more than expansion_limit=1");
    }

    @Test
    void aBareExpansionComparesWithANumberColumn() throws Exception {
        LookupTable table = open("id.cf", "dbpath = " + database, "query = SELECT name FROM domain WHERE id = %s");

        assertThat(table.lookup("7")).contains("example.com");
        assertThat(table.lookup("7 OR 1=1")).isEmpty();
    }

    @Test
    void aMissingDatabaseFileIsALookupErrorNotNotFound() throws Exception {
        LookupTable missing = open("missing.cf", "dbpath = " + dir.resolve("nothing.sqlite"),
            "query = SELECT goto FROM alias WHERE address = '%s'", "connect_timeout = 1");

        assertThatThrownBy(() -> missing.lookup("info@example.com")).isInstanceOf(LookupException.class)
            .hasMessageContaining("sqlite:missing.cf");
    }
}
