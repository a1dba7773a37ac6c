package dev.postern.testing.db;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Debian's MariaDB (package mariadb-server, which test.sh installs) for tests:
 * {@code mariadb-install-db} in a temporary directory, then {@code mariadbd --no-defaults} on a free
 * port of 127.0.0.1 with its socket in that directory (under root, {@code --user=root}). SQL is run
 * with the {@code mariadb} client as root over the socket. A missing MariaDB is a test failure.
 */
public final class MariaDbServer implements AutoCloseable {
    private static final Duration TIMEOUT = Duration.ofSeconds(60);

    private final Path directory;
    private final int port;
    private Process process;

    private MariaDbServer(Path directory) {
        this.directory = directory;
        this.port = ServerProcesses.freePort();
    }

    /** Creates the data directory and starts the server. */
    public static MariaDbServer create() {
        MariaDbServer server;
        try {
            server = new MariaDbServer(Files.createTempDirectory("postern-mariadb"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        ServerProcesses.run(List.of("mariadb-install-db", "--no-defaults", "--datadir=" + server.data(),
            "--user=" + System.getProperty("user.name"), "--auth-root-authentication-method=socket", "--skip-test-db"),
            TIMEOUT);
        server.start();
        return server;
    }

    private Path data() {
        return directory.resolve("data");
    }

    public Path socket() {
        return directory.resolve("mysqld.sock");
    }

    /** Starts the server (again); returns once it answers. */
    public void start() {
        try {
            process = new ProcessBuilder("mariadbd", "--no-defaults", "--datadir=" + data(), "--socket=" + socket(),
                "--port=" + port, "--bind-address=127.0.0.1", "--user=" + System.getProperty("user.name"),
                "--pid-file=" + directory.resolve("mariadbd.pid"), "--skip-log-bin", "--innodb-buffer-pool-size=16M")
                .redirectErrorStream(true).redirectOutput(directory.resolve("server.log").toFile()).start();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        ServerProcesses.awaitPort(port, true, TIMEOUT, "mariadbd (log: " + directory.resolve("server.log") + ")");
    }

    /** Stops the server (a clean shutdown), as a database outage. */
    public void stop() {
        if (process == null) {
            return;
        }
        process.destroy();
        try {
            if (!process.waitFor(TIMEOUT.toSeconds(), TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        process = null;
    }

    public int port() {
        return port;
    }

    public String host() {
        return "127.0.0.1";
    }

    /** Runs SQL as root through the socket, in {@code database} (empty: none); returns the client's tab-separated output. */
    public String sql(String database, String sql) {
        List<String> command = new java.util.ArrayList<>(List.of("mariadb", "--no-defaults", "-S", socket().toString(),
            "-u", "root", "-N", "-B", "-e", sql));
        if (!database.isEmpty()) {
            command.add(database);
        }
        return ServerProcesses.run(command, TIMEOUT);
    }

    /** Creates {@code name} and {@code user}@'%' with {@code password}, allowed everything on it. */
    public void createDatabase(String name, String user, String password) {
        sql("", "CREATE DATABASE " + name + " CHARACTER SET utf8mb4; CREATE USER '" + user + "'@'%' IDENTIFIED BY '"
            + password + "'; GRANT ALL ON " + name + ".* TO '" + user + "'@'%'");
    }

    @Override
    public void close() {
        try {
            stop();
        } finally {
            ServerProcesses.deleteTree(directory);
        }
    }
}
