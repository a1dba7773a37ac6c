package dev.postern.app.harness;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Debian's OpenDKIM (packages opendkim and opendkim-tools, which test.sh installs) as a signing
 * milter on a free port of 127.0.0.1: a key made by {@code opendkim-genkey} for one domain and
 * selector, {@code opendkim -f -x CONF} in signing mode. {@link #verify} checks a message with a
 * second OpenDKIM in verifying test mode ({@code -t}), the public key given as test DNS data, so
 * no DNS is needed. A missing OpenDKIM is a test failure, not a skip.
 */
public final class OpenDkim implements AutoCloseable {
    private static final Path OPENDKIM = Path.of("/usr/sbin/opendkim");
    private static final Path GENKEY = Path.of("/usr/sbin/opendkim-genkey");
    private static final Duration START_TIMEOUT = Duration.ofSeconds(20);
    private static final String SELECTOR = "test";

    private final Path directory;
    private final String domain;
    private final int port;
    private Process process;

    public OpenDkim(Path directory, String domain) {
        this.directory = directory.toAbsolutePath();
        this.domain = domain;
        this.port = FreePorts.allocate();
    }

    /** The {@code smtpd_milters} value that names it. */
    public String endpoint() {
        return "inet:127.0.0.1:" + port;
    }

    public OpenDkim start() {
        if (!Files.isExecutable(OPENDKIM) || !Files.isExecutable(GENKEY)) {
            throw new AssertionError("OpenDKIM is not installed (Debian packages opendkim and opendkim-tools, which"
                + " ./test.sh installs)");
        }
        try {
            Files.createDirectories(directory);
            run(GENKEY.toString(), "-b", "1024", "-d", domain, "-s", SELECTOR, "-D", directory.toString());
            Files.writeString(directory.resolve("sign.conf"), String.join("\n",
                "Mode s", "Domain " + domain, "Selector " + SELECTOR, "KeyFile " + directory.resolve(SELECTOR + ".private"),
                "Socket inet:" + port + "@127.0.0.1", "Syslog no", "RequireSafeKeys false",
                "PidFile " + directory.resolve("opendkim.pid"), "InternalHosts 127.0.0.1", ""));
            Files.writeString(directory.resolve("dns.txt"), SELECTOR + "._domainkey." + domain + " " + publicKeyRecord() + "\n");
            Files.writeString(directory.resolve("verify.conf"), String.join("\n",
                "Mode v", "Syslog no", "TestDNSData " + directory.resolve("dns.txt"), ""));
            process = new ProcessBuilder(OPENDKIM.toString(), "-f", "-x", directory.resolve("sign.conf").toString())
                .redirectErrorStream(true).redirectOutput(directory.resolve("opendkim.out").toFile()).start();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start OpenDKIM in " + directory + ": " + e, e);
        }
        long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
        while (!listening()) {
            if (!process.isAlive() || System.nanoTime() - deadline >= 0) {
                throw new AssertionError("OpenDKIM does not listen on 127.0.0.1:" + port + ": " + read("opendkim.out"));
            }
            Await.sleep(Duration.ofMillis(100));
        }
        return this;
    }

    /** {@code v=DKIM1; k=rsa; p=...} from the zone file line opendkim-genkey writes. */
    private String publicKeyRecord() throws IOException {
        String zone = Files.readString(directory.resolve(SELECTOR + ".txt")).replace("\n", "");
        Matcher key = Pattern.compile("p=([A-Za-z0-9+/=]+)").matcher(zone.replaceAll("\"\\s*\"", ""));
        if (!key.find()) {
            throw new AssertionError("no public key in " + zone);
        }
        return "v=DKIM1; k=rsa; p=" + key.group(1);
    }

    /** OpenDKIM's verdict on a message: its line {@code ... verification (...) succeeded} or {@code failed: ...}. */
    public String verify(byte[] message) {
        try {
            Path file = Files.createTempFile(directory, "relayed", ".eml");
            Files.write(file, message);
            return run(OPENDKIM.toString(), "-x", directory.resolve("verify.conf").toString(), "-t", file.toString());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private String run(String... command) throws IOException {
        Process run = new ProcessBuilder(List.of(command)).redirectErrorStream(true).start();
        try {
            String output = new String(run.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!run.waitFor(30, TimeUnit.SECONDS) || run.exitValue() != 0) {
                throw new AssertionError(String.join(" ", command) + " failed: " + output);
            }
            return output;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted", e);
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

    private String read(String name) {
        try {
            return Files.readString(directory.resolve(name));
        } catch (IOException e) {
            return "(no " + name + ")";
        }
    }

    @Override
    public void close() {
        if (process != null) {
            process.destroy();
            try {
                if (!process.waitFor(10, TimeUnit.SECONDS)) {
                    process.destroyForcibly();
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
