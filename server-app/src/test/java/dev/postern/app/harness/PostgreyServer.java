package dev.postern.app.harness;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Debian's postgrey, the greylisting policy server, on 127.0.0.1 with its database and
 * (empty) whitelists in a folder of the test's, and a short greylisting delay.
 */
public final class PostgreyServer implements AutoCloseable {
    private static final Path POSTGREY = Path.of("/usr/sbin/postgrey");
    private static final Duration START_TIMEOUT = Duration.ofSeconds(20);

    private final Path directory;
    private final int port;
    private final Duration delay;
    private Process process;

    public PostgreyServer(Path directory, Duration delay) {
        this.directory = directory.toAbsolutePath();
        this.port = FreePorts.allocate();
        this.delay = delay;
    }

    public PostgreyServer start() {
        if (!Files.isExecutable(POSTGREY)) {
            throw new AssertionError("postgrey is not installed (" + POSTGREY + " missing; Debian package postgrey, which"
                + " ./test.sh installs): the policy service test needs the real server");
        }
        try {
            Path db = directory.resolve("db");
            Path empty = directory.resolve("whitelist");
            Files.createDirectories(db);
            Files.writeString(empty, "");
            List<String> command = new ArrayList<>(List.of(POSTGREY.toString(), "--inet=127.0.0.1:" + port,
                "--dbdir=" + db, "--delay=" + delay.toSeconds(), "--auto-whitelist-clients=0",
                "--whitelist-clients=" + empty, "--whitelist-recipients=" + empty));
            if ("root".equals(System.getProperty("user.name"))) {
                // As root, postgrey drops to a user of its own (by default "postgrey", which the package creates):
                // nobody, let into the test's folder.
                command.addAll(List.of("--user=nobody", "--group=nogroup"));
                Files.setPosixFilePermissions(directory, PosixFilePermissions.fromString("rwxr-xr-x"));
                Files.setPosixFilePermissions(db, PosixFilePermissions.fromString("rwxrwxrwx"));
            }
            process = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(directory.resolve("postgrey.out").toFile()).start();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start postgrey in " + directory + ": " + e, e);
        }
        long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
        while (!listening()) {
            if (!process.isAlive()) {
                throw new AssertionError("postgrey exited with status " + process.exitValue() + "\n" + output());
            }
            if (System.nanoTime() - deadline >= 0) {
                throw new AssertionError("postgrey does not listen on 127.0.0.1:" + port + " within " + START_TIMEOUT
                    + "\n" + output());
            }
            Await.sleep(Duration.ofMillis(100));
        }
        return this;
    }

    /** {@code inet:127.0.0.1:PORT}, for check_policy_service. */
    public String address() {
        return "inet:127.0.0.1:" + port;
    }

    /** What postgrey printed: its log of each decision. */
    public String output() {
        try {
            Path out = directory.resolve("postgrey.out");
            return Files.exists(out) ? Files.readString(out) : "";
        } catch (IOException e) {
            return "(cannot read postgrey's output: " + e + ")";
        }
    }

    private boolean listening() {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress("127.0.0.1", port), 500);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    @Override
    public void close() {
        if (process == null) {
            return;
        }
        process.destroy();
        try {
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
