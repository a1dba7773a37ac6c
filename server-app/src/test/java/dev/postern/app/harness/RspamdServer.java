package dev.postern.app.harness;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.GroupPrincipal;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.UserPrincipalLookupService;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Debian's rspamd (package rspamd, which test.sh installs) as a milter on a free port of
 * 127.0.0.1: {@code rspamd -f -c CONF} with a configuration of its own in a folder, nothing of
 * /etc/rspamd and no system service. Only the {@code rspamd_proxy} worker runs, in milter mode,
 * scanning by itself ({@code self_scan}); no redis, no controller. The Lua modules are the
 * package's, and all of them but {@code milter_headers} stay off for want of configuration, so no
 * rule asks the network; DNS goes to a loopback port where nothing answers. The GTUBE test
 * pattern is rspamd's own (in its core) and rejects. rspamd refuses to run its workers as root,
 * so under root it drops to Debian's {@code _rspamd} user, which is given the folder. A missing
 * rspamd is a test failure, not a skip.
 */
public final class RspamdServer implements AutoCloseable {
    private static final Path RSPAMD = Path.of("/usr/bin/rspamd");
    private static final String SYSTEM_USER = "_rspamd";
    /** It compiles the public suffix list and its regular expressions at start: seconds on a loaded machine. */
    private static final Duration START_TIMEOUT = Duration.ofSeconds(90);

    private final Path directory;
    private final int port;
    private final int deadDnsPort;
    private Process process;

    public RspamdServer(Path directory) {
        this.directory = directory.toAbsolutePath();
        this.port = FreePorts.allocate();
        this.deadDnsPort = FreePorts.allocate();
    }

    /** The {@code smtpd_milters} value that names it. */
    public String endpoint() {
        return "inet:127.0.0.1:" + port;
    }

    public RspamdServer start() {
        if (!Files.isExecutable(RSPAMD)) {
            throw new AssertionError("rspamd is not installed (Debian package rspamd, which ./test.sh installs)");
        }
        try {
            Files.createDirectories(directory);
            Files.writeString(directory.resolve("rspamd.conf"), configuration());
            List<String> command = new ArrayList<>(List.of(RSPAMD.toString(), "-f", "-c",
                directory.resolve("rspamd.conf").toString(), "--var", "DBDIR=" + directory));
            if (runningAsRoot()) {
                giveFolderTo(SYSTEM_USER);
                command.addAll(List.of("-u", SYSTEM_USER, "-g", SYSTEM_USER));
            }
            process = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(directory.resolve("rspamd.out").toFile()).start();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start rspamd in " + directory + ": " + e, e);
        }
        long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
        while (!listening()) {
            if (!process.isAlive() || System.nanoTime() - deadline >= 0) {
                throw new AssertionError("rspamd does not listen on 127.0.0.1:" + port + ": " + read("rspamd.out")
                    + "\n" + read("rspamd.log"));
            }
            Await.sleep(Duration.ofMillis(200));
        }
        return this;
    }

    private String configuration() {
        return String.join("\n",
            "# RspamdServer: rspamd's milter proxy alone, scanning by itself, nothing on the network",
            "options {",
            "  pidfile = \"" + directory.resolve("rspamd.pid") + "\";",
            "  tempdir = \"" + directory + "\";",
            "  hs_cache_dir = \"" + directory + "\";",
            "  dns { nameserver = [\"127.0.0.1:" + deadDnsPort + "\"]; timeout = 1s; retransmits = 1; }",
            "}",
            "logging { type = \"file\"; filename = \"" + directory.resolve("rspamd.log") + "\"; level = \"info\"; }",
            "actions { reject = 15; add_header = 6; greylist = 4; }",
            "modules { path = \"${PLUGINSDIR}\"; }",
            // Debian's milter_headers.conf (use = []) plus the extended headers rspamd's documentation suggests;
            // skip_local = false as the tests' clients are on loopback, which rspamd counts as local
            "milter_headers { use = []; extended_spam_headers = true; skip_local = false; }",
            "worker \"rspamd_proxy\" {",
            "  bind_socket = \"127.0.0.1:" + port + "\";",
            "  milter = yes;",
            // the scan happens in this worker: an upstream of its own, no normal worker behind it
            "  upstream \"local\" { default = yes; self_scan = yes; }",
            "  count = 1;",
            "  timeout = 120s;",
            "}",
            "");
    }

    private static boolean runningAsRoot() {
        return "root".equals(System.getProperty("user.name"));
    }

    private void giveFolderTo(String user) throws IOException {
        UserPrincipalLookupService users = directory.getFileSystem().getUserPrincipalLookupService();
        GroupPrincipal group = users.lookupPrincipalByGroupName(user);
        try (var paths = Files.walk(directory)) {
            for (Path path : paths.toList()) {
                PosixFileAttributeView view = Files.getFileAttributeView(path, PosixFileAttributeView.class);
                view.setOwner(users.lookupPrincipalByName(user));
                view.setGroup(group);
            }
        }
    }

    private boolean listening() {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress("127.0.0.1", port), 200);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    /** rspamd's own log, for the failure messages of the tests. */
    public String log() {
        return read("rspamd.log");
    }

    private String read(String name) {
        try {
            return Files.readString(directory.resolve(name));
        } catch (IOException e) {
            return "(no " + name + ")";
        }
    }

    @Override
    public void close() {
        if (process == null) {
            return;
        }
        process.destroy();
        try {
            if (!process.waitFor(15, TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
