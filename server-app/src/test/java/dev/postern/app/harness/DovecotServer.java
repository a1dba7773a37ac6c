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
 * Debian's Dovecot (packages dovecot-imapd and dovecot-lmtpd, which test.sh installs) for end-to-end
 * tests: {@code dovecot -F -c CONF} in the foreground with its base_dir, state and log in a directory of
 * the test, plain-text IMAP ({@code ssl = no}, {@code disable_plaintext_auth = no}) and an LMTP listener
 * on free ports of 127.0.0.1, {@code mail_location = maildir:ROOT/%d/%n/Maildir} over a mail root such as
 * Postern's {@code var/mail}, a passwd-file passdb of the users the test names and a static userdb.
 *
 * <p>Dovecot refuses to touch mail as root, so when the tests run as root the mail processes run as the
 * {@code dovecot} system user ({@code mail_uid}/{@code mail_gid}); {@link #handOver()} gives it the mail
 * root, which Postern (running as root) writes. A missing Dovecot is a test failure, not a skip.
 */
public final class DovecotServer implements AutoCloseable {
    private static final Path DOVECOT = Path.of("/usr/sbin/dovecot");
    private static final List<Path> PROTOCOL_BINARIES = List.of(Path.of("/usr/lib/dovecot/imap"),
        Path.of("/usr/lib/dovecot/imap-login"), Path.of("/usr/lib/dovecot/lmtp"));
    private static final Duration START_TIMEOUT = Duration.ofSeconds(20);
    private static final Duration STOP_TIMEOUT = Duration.ofSeconds(10);

    private final Path directory;
    private final Path mailRoot;
    private final int imapPort;
    private final int lmtpPort;
    private final Map<String, String> users = new LinkedHashMap<>();
    private String mailUser;
    private Process process;

    /**
     * @param directory where the configuration, the runtime sockets, the state and the log go
     * @param mailRoot the tree of {@code DOMAIN/USER/Maildir} folders Dovecot reads and delivers into
     */
    public DovecotServer(Path directory, Path mailRoot) {
        this.directory = directory.toAbsolutePath();
        this.mailRoot = mailRoot.toAbsolutePath();
        this.imapPort = FreePorts.allocate();
        this.lmtpPort = FreePorts.allocate();
    }

    /** A user Dovecot knows, by full address (LMTP refuses any other with 5.1.1); call before {@link #start()}. */
    public DovecotServer user(String address, String password) {
        users.put(address, password);
        return this;
    }

    public DovecotServer start() {
        if (process != null) {
            throw new IllegalStateException("Dovecot already started");
        }
        for (Path binary : concat(DOVECOT, PROTOCOL_BINARIES)) {
            if (!Files.isExecutable(binary)) {
                throw new AssertionError("Dovecot is not installed (" + binary + " missing; Debian packages dovecot-imapd"
                    + " and dovecot-lmtpd, which ./test.sh installs): the interoperability tests need the real server");
            }
        }
        try {
            // Dovecot refuses to deliver or serve mail as root: as root, its own system user does.
            mailUser = "root".equals(System.getProperty("user.name")) ? "dovecot" : System.getProperty("user.name");
            String uid = run("id", "-u", mailUser);
            String gid = run("id", "-g", mailUser);
            String group = run("id", "-gn", mailUser);
            Files.createDirectories(directory.resolve("run"));
            Files.createDirectories(directory.resolve("state"));
            // Its login and mail processes run as mailUser and must reach base_dir and the users file.
            Files.setPosixFilePermissions(directory, PosixFilePermissions.fromString("rwxr-xr-x"));
            Files.createDirectories(mailRoot);
            handOver();
            Path passwd = directory.resolve("users");
            List<String> entries = new ArrayList<>();
            users.forEach((address, password) -> entries.add(address + ":{PLAIN}" + password));
            Files.write(passwd, entries, StandardCharsets.UTF_8);
            Path conf = directory.resolve("dovecot.conf");
            Files.writeString(conf, String.join("\n",
                "base_dir = " + directory.resolve("run"),
                "state_dir = " + directory.resolve("state"),
                "log_path = " + directory.resolve("dovecot.log"),
                "protocols = imap lmtp",
                "listen = 127.0.0.1",
                "ssl = no",
                "disable_plaintext_auth = no",
                "auth_mechanisms = plain login",
                "first_valid_uid = 1",
                "default_internal_user = " + mailUser,
                "default_login_user = " + mailUser,
                "default_internal_group = " + group,
                "mail_uid = " + uid,
                "mail_gid = " + gid,
                "mail_location = maildir:" + mailRoot + "/%d/%n/Maildir",
                "passdb {", "  driver = passwd-file", "  args = username_format=%u " + passwd, "}",
                // A static userdb checks with the passdb that the user exists, so LMTP refuses unknown users.
                "userdb {", "  driver = static", "  args = uid=" + uid + " gid=" + gid + " home=" + mailRoot + "/%d/%n", "}",
                "service imap-login {",
                "  inet_listener imap {", "    address = 127.0.0.1", "    port = " + imapPort, "  }",
                "  inet_listener imaps {", "    port = 0", "  }",
                "}",
                "service lmtp {",
                "  inet_listener lmtp {", "    address = 127.0.0.1", "    port = " + lmtpPort, "  }",
                "}",
                "protocol lmtp {", "  postmaster_address = postmaster@dovecot.postern.test", "}",
                ""), StandardCharsets.UTF_8);
            process = new ProcessBuilder(DOVECOT.toString(), "-F", "-c", conf.toString()).redirectErrorStream(true)
                .redirectOutput(directory.resolve("dovecot.out").toFile()).start();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start Dovecot in " + directory + ": " + e, e);
        }
        long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
        while (!(listening(imapPort) && listening(lmtpPort))) {
            if (!process.isAlive()) {
                throw new AssertionError("Dovecot exited with status " + process.exitValue() + "\n" + describe());
            }
            if (System.nanoTime() - deadline >= 0) {
                throw new AssertionError("Dovecot does not listen on 127.0.0.1:" + imapPort + " (IMAP) and :" + lmtpPort
                    + " (LMTP) within " + START_TIMEOUT + "\n" + describe());
            }
            Await.sleep(Duration.ofMillis(100));
        }
        return this;
    }

    /**
     * Gives the mail root to Dovecot's mail user (chown -R): Postern, running as root, creates the
     * folders and files of its deliveries as root, and Dovecot must move them from new/ to cur/ and
     * write its index files next to them.
     */
    public void handOver() {
        try {
            run("chown", "-R", mailUser + ":", mailRoot.toString());
            // Postern keeps var/ to itself (0700); a site that shares var/mail with Dovecot runs Dovecot's
            // mail processes as Postern's user. Here Dovecot cannot be root, so it is let through var/ only.
            run("chmod", "o+x", mailRoot.getParent().toString());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public int imapPort() {
        return imapPort;
    }

    public int lmtpPort() {
        return lmtpPort;
    }

    /** The transport_maps result that sends mail to this Dovecot's LMTP listener. */
    public String lmtpRoute() {
        return "lmtp:[127.0.0.1]:" + lmtpPort;
    }

    /** A logged-in IMAP session as {@code user}. */
    public ImapClient imap(String user, String password) {
        ImapClient client = ImapClient.connect(imapPort);
        client.login(user, password);
        return client;
    }

    /** Dovecot's own log and console output, for failure messages. */
    public String describe() {
        return "Dovecot in " + directory + " (IMAP 127.0.0.1:" + imapPort + ", LMTP 127.0.0.1:" + lmtpPort + ", mail "
            + mailRoot + ")\n--- dovecot.log ---\n" + read("dovecot.log") + "\n--- dovecot.out ---\n" + read("dovecot.out");
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
    }

    private String read(String file) {
        try {
            Path path = directory.resolve(file);
            return Files.exists(path) ? Files.readString(path, StandardCharsets.UTF_8) : "(none)";
        } catch (IOException e) {
            return "(unreadable: " + e + ")";
        }
    }

    private static boolean listening(int port) {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress("127.0.0.1", port), 200);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    private static String run(String... command) throws IOException {
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
        try {
            if (process.waitFor() != 0) {
                throw new IOException(String.join(" ", command) + " failed with status " + process.exitValue() + ": " + output);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException(String.join(" ", command) + " interrupted", e);
        }
        return output;
    }

    private static List<Path> concat(Path first, List<Path> rest) {
        List<Path> all = new ArrayList<>(List.of(first));
        all.addAll(rest);
        return all;
    }
}
