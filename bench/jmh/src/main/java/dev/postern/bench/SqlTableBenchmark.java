package dev.postern.bench;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

import dev.postern.tables.LookupException;
import dev.postern.tables.LookupTable;
import dev.postern.tables.TableRegistry;
import dev.postern.testing.db.MariaDbServer;
import dev.postern.testing.db.PostgresServer;

/**
 * One lookup in a pgsql:, mysql: or sqlite: table of 10,000 aliases (an indexed column), through
 * Postern's table (pool, prepared statement, result formatting), against a server on loopback
 * started here: a key that is there and one that is not. The mean latency in µs; lookups/s with
 * {@code -bm thrpt -tu s}.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class SqlTableBenchmark {
    private static final int ROWS = 10_000;

    @Param({"pgsql", "mysql", "sqlite"})
    public String type;

    private AutoCloseable server;
    private Path dir;
    private TableRegistry registry;
    private LookupTable table;

    @Setup(Level.Trial)
    public void start() throws Exception {
        dir = Files.createTempDirectory("postern-bench-sql");
        String query = "query = SELECT goto FROM alias WHERE address = '%s'";
        List<String> cf = switch (type) {
            case "pgsql" -> {
                PostgresServer pg = PostgresServer.create();
                server = pg;
                pg.createDatabase("mail", "postfix", "secret");
                pg.sql("mail", "CREATE TABLE alias (address text PRIMARY KEY, goto text); GRANT SELECT ON alias TO postfix");
                fill("jdbc:postgresql://127.0.0.1:" + pg.port() + "/mail", "postgres", "");
                yield List.of("hosts = 127.0.0.1:" + pg.port(), "user = postfix", "password = secret", "dbname = mail", query);
            }
            case "mysql" -> {
                MariaDbServer my = MariaDbServer.create();
                server = my;
                my.createDatabase("mail", "postfix", "secret");
                my.sql("mail", "CREATE TABLE alias (address varchar(255) PRIMARY KEY, goto text)");
                fill("jdbc:mariadb://127.0.0.1:" + my.port() + "/mail", "postfix", "secret");
                yield List.of("hosts = 127.0.0.1:" + my.port(), "user = postfix", "password = secret", "dbname = mail", query);
            }
            default -> {
                Path file = dir.resolve("mail.sqlite");
                try (Connection connection = DriverManager.getConnection("jdbc:sqlite:" + file)) {
                    connection.createStatement().executeUpdate("CREATE TABLE alias (address TEXT PRIMARY KEY, goto TEXT)");
                }
                fill("jdbc:sqlite:" + file, null, null);
                yield List.of("dbpath = " + file, query);
            }
        };
        Files.write(dir.resolve("alias.cf"), cf);
        registry = new TableRegistry(dir);
        table = registry.open(type + ":alias.cf");
    }

    private static void fill(String url, String user, String password) throws Exception {
        try (Connection connection = DriverManager.getConnection(url, user, password);
             PreparedStatement insert = connection.prepareStatement("INSERT INTO alias VALUES (?, ?)")) {
            connection.setAutoCommit(false);
            for (int i = 0; i < ROWS; i++) {
                insert.setString(1, "user" + i + "@example.com");
                insert.setString(2, "mailbox" + i + "@example.net");
                insert.addBatch();
            }
            insert.executeBatch();
            connection.commit();
        }
    }

    @TearDown(Level.Trial)
    public void stop() throws Exception {
        registry.close();
        server = closeQuietly(server);
        try (var files = Files.walk(dir)) {
            files.sorted(java.util.Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
        }
    }

    private static AutoCloseable closeQuietly(AutoCloseable server) throws Exception {
        if (server != null) {
            server.close();
        }
        return null;
    }

    @Benchmark
    public Optional<String> hit() throws LookupException {
        return table.lookup("user" + ThreadLocalRandom.current().nextInt(ROWS) + "@example.com");
    }

    @Benchmark
    public Optional<String> miss() throws LookupException {
        return table.lookup("nobody" + ThreadLocalRandom.current().nextInt(ROWS) + "@example.com");
    }
}
