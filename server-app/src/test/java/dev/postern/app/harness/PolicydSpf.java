package dev.postern.app.harness;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Debian's policyd-spf (postfix-policyd-spf-python), spawned per connection as Postfix's
 * spawn(8) would, rejecting SPF fail and prepending Received-SPF otherwise. Its DNS is the
 * test's dnsmasq: policyd-spf has no setting for a name server, so a small Python launcher
 * points pydns (which pyspf uses when dnspython is absent) at it before running the script.
 */
public final class PolicydSpf implements AutoCloseable {
    private static final Path POLICYD_SPF = Path.of("/usr/bin/policyd-spf");
    private static final Path PYTHON = Path.of("/usr/bin/python3");

    private final SpawnServer spawn;
    private final Path directory;

    /**
     * @param dnsServer {@code 127.0.0.1:PORT}, as {@link DnsmasqServer#address()} gives it
     */
    public PolicydSpf(Path directory, String dnsServer) {
        if (!Files.isExecutable(POLICYD_SPF)) {
            throw new AssertionError("policyd-spf is not installed (" + POLICYD_SPF + " missing; Debian package"
                + " postfix-policyd-spf-python, which ./test.sh installs): the policy service test needs the real server");
        }
        this.directory = directory.toAbsolutePath();
        int colon = dnsServer.lastIndexOf(':');
        try {
            Files.createDirectories(this.directory);
            Path conf = this.directory.resolve("policyd-spf.conf");
            // Loopback clients are skipped by Debian's default skip_addresses; the test's clients are on loopback.
            Files.writeString(conf, String.join("\n", "debugLevel = 1", "TestOnly = 1", "HELO_reject = Fail",
                "Mail_From_reject = Fail", "PermError_reject = False", "TempError_Defer = False",
                "skip_addresses = 192.0.2.255/32", ""));
            Path launcher = this.directory.resolve("policyd-spf.py");
            Files.writeString(launcher, String.join("\n",
                "import runpy, sys",
                "import DNS",
                "DNS.Base.defaults['server'][:] = ['" + dnsServer.substring(0, colon) + "']",
                "DNS.Base.defaults['port'] = " + Integer.parseInt(dnsServer.substring(colon + 1)),
                "sys.argv = ['policyd-spf', '" + conf + "']",
                "runpy.run_path('" + POLICYD_SPF + "', run_name='__main__')", ""));
            this.spawn = new SpawnServer(List.of(PYTHON.toString(), launcher.toString()), this.directory.resolve("stderr"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** {@code inet:127.0.0.1:PORT}, for check_policy_service. */
    public String address() {
        return spawn.address();
    }

    /** What policyd-spf wrote to stderr. */
    public String stderr() {
        try {
            Path file = directory.resolve("stderr");
            return Files.exists(file) ? Files.readString(file) : "";
        } catch (IOException e) {
            return "(cannot read: " + e + ")";
        }
    }

    @Override
    public void close() {
        spawn.close();
    }
}
