package dev.postern.testing.db;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;

/**
 * Debian's PostgreSQL 15 (package postgresql, which test.sh installs) for tests: a cluster made by
 * {@code initdb} in a temporary directory (trust authentication, superuser {@code postgres}, no
 * fsync), its server listening on a free port of 127.0.0.1 with its socket in that directory, and
 * stopped and started again by the test ({@link #stop()}, {@link #start()}) to play a database outage.
 * PostgreSQL refuses to run as root, so under root the cluster belongs to the {@code postgres} user.
 * A missing PostgreSQL is a test failure, not a skip.
 */
public final class PostgresServer implements AutoCloseable {
    private static final Path BIN = Path.of("/usr/lib/postgresql/15/bin");
    private static final String OWNER = "postgres";
    private static final Duration TIMEOUT = Duration.ofSeconds(60);

    private final Path directory;
    private final Path data;
    private final int port;
    private boolean running;

    private PostgresServer(Path directory) {
        this.directory = directory;
        this.data = directory.resolve("data");
        this.port = ServerProcesses.freePort();
    }

    /** Creates the cluster and starts its server. */
    public static PostgresServer create() {
        PostgresServer server;
        try {
            Path directory = Files.createTempDirectory("postern-pgsql",
                PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwxr-xr-x")));
            server = new PostgresServer(directory);
            if (ServerProcesses.isRoot()) {
                ServerProcesses.run(List.of("chown", OWNER + ":", directory.toString()), TIMEOUT);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        ServerProcesses.run(ServerProcesses.as(OWNER, List.of(BIN.resolve("initdb").toString(), "-D",
            server.data.toString(), "-U", "postgres", "--auth=trust", "-E", "UTF8", "--no-sync")), TIMEOUT);
        server.start();
        return server;
    }

    /** Starts the server (again); returns once it accepts connections. */
    public void start() {
        String options = "-p " + port + " -k " + directory + " -c listen_addresses=127.0.0.1 -c fsync=off";
        ServerProcesses.run(ServerProcesses.as(OWNER, List.of(BIN.resolve("pg_ctl").toString(), "-D", data.toString(),
            "-l", directory.resolve("server.log").toString(), "-o", options, "-w", "-t", "60", "start")), TIMEOUT);
        running = true;
        ServerProcesses.awaitPort(port, true, TIMEOUT, "postgres");
    }

    /** Stops the server at once (fast shutdown: open connections are cut), as a database outage. */
    public void stop() {
        ServerProcesses.run(ServerProcesses.as(OWNER, List.of(BIN.resolve("pg_ctl").toString(), "-D", data.toString(),
            "-m", "fast", "-w", "stop")), TIMEOUT);
        running = false;
    }

    public int port() {
        return port;
    }

    public String host() {
        return "127.0.0.1";
    }

    /** The server's Unix-domain socket file ({@code .s.PGSQL.PORT} in the cluster's directory). */
    public Path socket() {
        return directory.resolve(".s.PGSQL." + port);
    }

    /** Runs SQL with psql as the superuser in {@code database}; returns psql's unaligned, tuples-only output. */
    public String sql(String database, String sql) {
        return ServerProcesses.run(List.of(BIN.resolve("psql").toString(), "-h", host(), "-p", String.valueOf(port),
            "-U", "postgres", "-d", database, "-v", "ON_ERROR_STOP=1", "-At", "-c", sql), TIMEOUT);
    }

    /** Creates {@code name}, a database, and {@code user} with {@code password} owning it. */
    public void createDatabase(String name, String user, String password) {
        sql("postgres", "CREATE USER " + user + " PASSWORD '" + password + "'");
        sql("postgres", "CREATE DATABASE " + name + " OWNER " + user);
    }

    @Override
    public void close() {
        try {
            if (running) {
                stop();
            }
        } finally {
            ServerProcesses.deleteTree(directory);
        }
    }
}
