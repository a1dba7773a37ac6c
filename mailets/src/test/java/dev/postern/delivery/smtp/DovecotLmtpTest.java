package dev.postern.delivery.smtp;

import static dev.postern.delivery.smtp.Fixtures.delivery;
import static dev.postern.delivery.smtp.Fixtures.freePort;
import static dev.postern.delivery.smtp.Fixtures.mail;
import static dev.postern.delivery.smtp.Fixtures.parameters;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.util.List;
import java.util.stream.Stream;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.postern.delivery.RecipientResult;
import dev.postern.delivery.RecipientResult.Status;
import dev.postern.delivery.smtp.Fixtures.FakeDns;

/**
 * The lmtp courier against Debian's Dovecot LMTP server (package dovecot-lmtpd, installed by
 * test.sh), run in the foreground with its own configuration on a free loopback port and a
 * UNIX-domain socket; skipped where Dovecot is not installed.
 */
class DovecotLmtpTest {
    private static final Path DOVECOT = Path.of("/usr/sbin/dovecot");

    @TempDir
    Path directory;
    private Process dovecot;
    private int port;

    @BeforeEach
    void startDovecot() throws Exception {
        // An interoperability test that skipped itself would pass without testing anything:
        // test.sh installs Debian's dovecot-lmtpd, so its absence is a failure.
        assertThat(Files.isExecutable(DOVECOT) && Files.exists(Path.of("/usr/lib/dovecot/lmtp")))
            .as("Dovecot LMTP is installed (Debian's dovecot-lmtpd; ./test.sh installs it)").isTrue();
        // Dovecot refuses to deliver as root: as root, deliver as its own "dovecot" user.
        String user = System.getProperty("user.name").equals("root") ? "dovecot" : System.getProperty("user.name");
        String uid = run("id", "-u", user);
        String gid = run("id", "-g", user);
        Path mail = Files.createDirectories(directory.resolve("mail"));
        Files.createDirectories(directory.resolve("run"));
        Files.createDirectories(directory.resolve("state"));
        Files.setPosixFilePermissions(directory, PosixFilePermissions.fromString("rwxr-xr-x"));
        run("chown", user, mail.toString());
        port = freePort();
        Path conf = directory.resolve("dovecot.conf");
        Files.writeString(conf, String.join("\n",
            "base_dir = " + directory.resolve("run"),
            "state_dir = " + directory.resolve("state"),
            "log_path = " + directory.resolve("dovecot.log"),
            "protocols = lmtp",
            "ssl = no",
            "listen = 127.0.0.1",
            "first_valid_uid = 1",
            "default_internal_user = " + user,
            "default_login_user = " + user,
            "default_internal_group = " + run("id", "-gn", user),
            "mail_location = maildir:" + mail + "/%d/%n/Maildir",
            "passdb {", "  driver = static", "  args = nopassword=y", "}",
            "userdb {", "  driver = static", "  args = uid=" + uid + " gid=" + gid + " home=" + mail + "/%d/%n", "}",
            "service lmtp {",
            "  inet_listener lmtp {", "    address = 127.0.0.1", "    port = " + port, "  }",
            "  unix_listener lmtp {", "    mode = 0666", "  }",
            "}", ""));
        dovecot = new ProcessBuilder(DOVECOT.toString(), "-F", "-c", conf.toString()).redirectErrorStream(true)
            .redirectOutput(directory.resolve("dovecot.out").toFile()).start();
        for (int i = 0; i < 100 && !listening(); i++) {
            Thread.sleep(100);
        }
        assertThat(listening()).as("Dovecot listens on 127.0.0.1:%d; its log: %s", port, log()).isTrue();
    }

    @AfterEach
    void stopDovecot() throws Exception {
        if (dovecot != null) {
            dovecot.destroy();
            dovecot.waitFor();
        }
    }

    @Test
    void dovecotAcceptsEachRecipientAndStoresTheMessage() throws Exception {
        try (LmtpCourier courier = LmtpCourier.create(parameters(), new FakeDns(), Clock.systemUTC())) {
            List<RecipientResult> results = courier.deliver(delivery(mail("u@example.com", "v@example.com"),
                "lmtp:[127.0.0.1]:" + port));

            assertThat(results).as(log()).allSatisfy(r -> {
                assertThat(r.status()).isEqualTo(Status.SENT);
                assertThat(r.text()).startsWith("250 2.0.0 <" + r.recipient().asString() + ">");
            });
            assertThat(maildir("example.com/u")).singleElement().satisfies(file ->
                assertThat(Files.readString(file, StandardCharsets.UTF_8)).contains("Subject: test").contains("Hello"));
            assertThat(maildir("example.com/v")).hasSize(1);

            List<RecipientResult> overSocket = courier.deliver(delivery(mail("w@example.com"),
                "lmtp:unix:" + directory.resolve("run/lmtp")));
            assertThat(overSocket).as(log()).singleElement().extracting(RecipientResult::status).isEqualTo(Status.SENT);
            assertThat(maildir("example.com/w")).hasSize(1);
        }
    }

    private List<Path> maildir(String user) throws IOException {
        Path fresh = directory.resolve("mail").resolve(user).resolve("Maildir/new");
        if (!Files.isDirectory(fresh)) {
            return List.of();
        }
        try (Stream<Path> files = Files.list(fresh)) {
            return files.toList();
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

    private String log() {
        try {
            Path log = directory.resolve("dovecot.log");
            return Files.exists(log) ? Files.readString(log) : "(no log)";
        } catch (IOException e) {
            return "(unreadable log: " + e.getMessage() + ")";
        }
    }

    private static String run(String... command) throws Exception {
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
        if (process.waitFor() != 0) {
            throw new IllegalStateException(String.join(" ", command) + " failed: " + output);
        }
        return output;
    }
}
