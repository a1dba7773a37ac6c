package dev.postern.app.harness;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Debian's Dovecot (package dovecot-core, which test.sh installs) as nothing but an authentication
 * service, for Postern's {@code smtpd_sasl_type = dovecot}: {@code dovecot -F -c CONF} with no mail
 * protocols, its base_dir, state and log in a directory of the test, a passwd-file passdb of the users
 * the test names, and the auth service's client listener on a free port of 127.0.0.1
 * ({@link #saslPath()} is Postern's {@code smtpd_sasl_path}). Run as root, its unprivileged processes
 * are {@code nobody}'s. A missing Dovecot is a test failure, not a skip.
 */
public final class DovecotAuthServer implements AutoCloseable {
    private static final Path DOVECOT = Path.of("/usr/sbin/dovecot");
    private static final Duration START_TIMEOUT = Duration.ofSeconds(20);
    private static final Duration STOP_TIMEOUT = Duration.ofSeconds(10);

    private final Path directory;
    private final int port;
    private final Map<String, String> users = new LinkedHashMap<>();
    private Process process;

    /** @param directory where the configuration, the runtime sockets, the state and the log go */
    public DovecotAuthServer(Path directory) {
        this.directory = directory.toAbsolutePath();
        this.port = FreePorts.allocate();
    }

    /** A user with a password; call before {@link #start()}. */
    public DovecotAuthServer user(String name, String password) {
        users.put(name, password);
        return this;
    }

    /** {@code inet:127.0.0.1:PORT}, the auth service's client listener. */
    public String saslPath() {
        return "inet:127.0.0.1:" + port;
    }

    public DovecotAuthServer start() {
        if (process != null) {
            throw new IllegalStateException("Dovecot already started");
        }
        if (!Files.isExecutable(DOVECOT)) {
            throw new AssertionError("Dovecot is not installed (" + DOVECOT + " missing; Debian package dovecot-core,"
                + " which ./test.sh installs): the SASL tests need the real auth service");
        }
        try {
            Files.createDirectories(directory.resolve("run"));
            Files.createDirectories(directory.resolve("state"));
            // its auth processes run as nobody and must reach base_dir and the users file
            Files.setPosixFilePermissions(directory, PosixFilePermissions.fromString("rwxr-xr-x"));
            Path passwd = directory.resolve("users");
            List<String> entries = new ArrayList<>();
            users.forEach((name, password) -> entries.add(name + ":{PLAIN}" + password));
            Files.write(passwd, entries, StandardCharsets.UTF_8);
            Path conf = directory.resolve("dovecot.conf");
            Files.writeString(conf, String.join("\n",
                "base_dir = " + directory.resolve("run"),
                "state_dir = " + directory.resolve("state"),
                "log_path = " + directory.resolve("dovecot.log"),
                "protocols = none",
                "ssl = no",
                "disable_plaintext_auth = no",
                "auth_mechanisms = plain login",
                // no 2 s pause after a wrong password: the tests would only wait longer
                "auth_failure_delay = 0",
                "default_internal_user = " + unprivilegedUser(),
                "default_login_user = " + unprivilegedUser(),
                "passdb {", "  driver = passwd-file", "  args = " + passwd, "}",
                "userdb {", "  driver = static", "  args = uid=65534 gid=65534 home=" + directory.resolve("home") + "/%u", "}",
                "service auth {",
                "  inet_listener {", "    address = 127.0.0.1", "    port = " + port, "  }",
                "}",
                ""), StandardCharsets.UTF_8);
            process = new ProcessBuilder(DOVECOT.toString(), "-F", "-c", conf.toString()).redirectErrorStream(true)
                .redirectOutput(directory.resolve("dovecot.out").toFile()).start();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start Dovecot in " + directory + ": " + e, e);
        }
        long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
        while (!listening()) {
            if (!process.isAlive()) {
                throw new AssertionError("Dovecot exited with status " + process.exitValue() + "\n" + describe());
            }
            if (System.nanoTime() - deadline >= 0) {
                throw new AssertionError("Dovecot's auth service does not listen on 127.0.0.1:" + port + " within "
                    + START_TIMEOUT + "\n" + describe());
            }
            Await.sleep(Duration.ofMillis(100));
        }
        return this;
    }

    /** Dovecot's own log and console output, for failure messages. */
    public String describe() {
        return "Dovecot auth in " + directory + " (127.0.0.1:" + port + ")\n--- dovecot.log ---\n" + read("dovecot.log")
            + "\n--- dovecot.out ---\n" + read("dovecot.out");
    }

    /** SIGTERM to the master, which stops its children; then waits for all of them. */
    @Override
    public void close() {
        if (process == null) {
            return;
        }
        List<ProcessHandle> children = process.descendants().toList();
        process.destroy();
        try {
            if (!process.waitFor(STOP_TIMEOUT.toSeconds(), TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(STOP_TIMEOUT.toSeconds(), TimeUnit.SECONDS);
            }
            for (ProcessHandle child : children) {
                try {
                    child.onExit().get(STOP_TIMEOUT.toSeconds(), TimeUnit.SECONDS);
                } catch (Exception e) {
                    child.destroyForcibly();
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        process = null;
    }

    private String read(String file) {
        try {
            Path path = directory.resolve(file);
            return Files.exists(path) ? Files.readString(path, StandardCharsets.UTF_8) : "(none)";
        } catch (IOException e) {
            return "(unreadable: " + e + ")";
        }
    }

    /** As root, Dovecot's processes drop to nobody; otherwise they run as the user the tests run as. */
    private static String unprivilegedUser() {
        String user = System.getProperty("user.name");
        return "root".equals(user) ? "nobody" : user;
    }

    private boolean listening() {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress("127.0.0.1", port), 200);
            return true;
        } catch (IOException e) {
            return false;
        }
    }
}
