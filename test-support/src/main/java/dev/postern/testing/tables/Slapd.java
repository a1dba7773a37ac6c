package dev.postern.testing.tables;

import java.io.Closeable;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * OpenLDAP's slapd (Debian's {@code slapd} package) for tests: a private instance with its own
 * slapd.conf in a directory of the test's, an mdb database under {@link #SUFFIX} loaded from
 * LDIF with slapadd before the first start, serving {@code ldap://127.0.0.1:PORT/} only. It can be
 * stopped and started again on the same port and data, to test what clients do while it is down.
 */
public final class Slapd implements Closeable {
    public static final String SUFFIX = "dc=example,dc=test";
    public static final String ROOT_DN = "cn=admin," + SUFFIX;
    public static final String ROOT_PW = "secret";
    private static final Path SLAPD = Path.of("/usr/sbin/slapd");
    private static final Path SLAPADD = Path.of("/usr/sbin/slapadd");

    private final Path directory;
    private final Path config;
    private final int port;
    private Process process;

    private Slapd(Path directory, int port) {
        this.directory = directory;
        this.config = directory.resolve("slapd.conf");
        this.port = port;
    }

    /** Whether slapd and slapadd are installed (tests are skipped on machines without them). */
    public static boolean installed() {
        return Files.isExecutable(SLAPD) && Files.isExecutable(SLAPADD);
    }

    /**
     * Writes the configuration into {@code directory}, loads the base entry of {@link #SUFFIX} and
     * {@code ldif} (entries below it), and starts slapd on a free loopback port.
     */
    public static Slapd start(Path directory, String ldif) throws IOException, InterruptedException {
        Slapd slapd = new Slapd(directory, freePort());
        slapd.configure(ldif);
        slapd.start();
        return slapd;
    }

    public int port() {
        return port;
    }

    public String url() {
        return "ldap://127.0.0.1:" + port;
    }

    private void configure(String ldif) throws IOException, InterruptedException {
        Path data = Files.createDirectories(directory.resolve("data"));
        Files.writeString(config, String.join("\n",
            "include /etc/ldap/schema/core.schema",
            "include /etc/ldap/schema/cosine.schema",
            "include /etc/ldap/schema/inetorgperson.schema",
            "include /etc/ldap/schema/misc.schema",
            "pidfile " + directory.resolve("slapd.pid"),
            "argsfile " + directory.resolve("slapd.args"),
            "modulepath /usr/lib/ldap",
            "moduleload back_mdb",
            // Postfix's ldap tables default to version = 2; OpenLDAP refuses LDAPv2 binds unless allowed.
            "allow bind_v2",
            "database mdb",
            "maxsize 10485760",
            "suffix \"" + SUFFIX + "\"",
            "rootdn \"" + ROOT_DN + "\"",
            "rootpw " + ROOT_PW,
            "directory " + data,
            ""), StandardCharsets.UTF_8);
        Path entries = directory.resolve("entries.ldif");
        Files.writeString(entries, "dn: " + SUFFIX + "\nobjectClass: dcObject\nobjectClass: organization\no: Example\n"
            + "dc: example\n\n" + ldif, StandardCharsets.UTF_8);
        run(List.of(SLAPADD.toString(), "-f", config.toString(), "-l", entries.toString()));
    }

    /** Starts slapd (again) and waits until it accepts connections. */
    public void start() throws IOException, InterruptedException {
        if (process != null && process.isAlive()) {
            return;
        }
        process = new ProcessBuilder(SLAPD.toString(), "-f", config.toString(), "-h", url() + "/", "-d", "0")
            .redirectErrorStream(true)
            .redirectOutput(directory.resolve("slapd.log").toFile())
            .start();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IOException("slapd exited with status " + process.exitValue() + ": "
                    + Files.readString(directory.resolve("slapd.log")));
            }
            try (Socket socket = new Socket()) {
                socket.connect(new InetSocketAddress("127.0.0.1", port), 200);
                return;
            } catch (IOException notYet) {
                Thread.sleep(50);
            }
        }
        throw new IOException("slapd did not listen on " + url() + " within 20 s");
    }

    /** Stops slapd and waits until it is gone; the data stays for {@link #start()}. */
    public void stop() throws InterruptedException {
        if (process == null) {
            return;
        }
        process.destroy();
        if (!process.waitFor(10, TimeUnit.SECONDS)) {
            process.destroyForcibly().waitFor();
        }
        process = null;
    }

    private void run(List<String> command) throws IOException, InterruptedException {
        Path log = directory.resolve(Path.of(command.get(0)).getFileName() + ".log");
        Process tool = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        if (!tool.waitFor(60, TimeUnit.SECONDS) || tool.exitValue() != 0) {
            tool.destroyForcibly();
            throw new IOException(String.join(" ", command) + " failed: " + Files.readString(log));
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, java.net.InetAddress.getByName("127.0.0.1"))) {
            return socket.getLocalPort();
        }
    }

    @Override
    public void close() {
        try {
            stop();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
