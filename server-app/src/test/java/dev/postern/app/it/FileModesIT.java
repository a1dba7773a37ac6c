package dev.postern.app.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import dev.postern.app.harness.Await;
import dev.postern.app.harness.PosternExtension;
import dev.postern.app.harness.PosternProcess;
import dev.postern.app.harness.SmtpClient;
import dev.postern.app.harness.ClientReply;
import dev.postern.app.harness.TestMessages;
import dev.postern.testing.smtp.SmtpSink;

/**
 * Issue 14 item 6: after a Maildir delivery, a {@code /file} delivery, a message left in the queue (the
 * relayhost answers 450) and an AUTH user created through WebAdmin, nothing under {@code var/} may be
 * readable by the group or others, nor any folder open to them (Postfix: queue files and mailboxes 0600).
 * The test JVM runs with the usual umask 022, so only Postern's own care makes that hold. The {@code /file}
 * is outside var/, in a folder of its own: when Postern runs as root it writes such a file only where
 * {@code default_privs} (nobody) may, and gives a file it creates to that user. A {@code |command} alias
 * shows the command's side of item 8: it runs as nobody when Postern runs as root, sees none of the
 * server's {@code POSTERN_*} environment, and what it writes is 0600 (the umask is inherited).
 */
class FileModesIT {
    private static final String HOST = "mx.modes-it.test";
    private static final Duration DELIVERY = Duration.ofSeconds(30);
    private static final Set<PosixFilePermission> GROUP_OR_OTHER = EnumSet.of(
        PosixFilePermission.GROUP_READ, PosixFilePermission.GROUP_WRITE, PosixFilePermission.GROUP_EXECUTE,
        PosixFilePermission.OTHERS_READ, PosixFilePermission.OTHERS_WRITE, PosixFilePermission.OTHERS_EXECUTE);

    @RegisterExtension
    final PosternExtension postern = new PosternExtension();

    @Test
    void nothingUnderVarIsReadableByOtherUsers() throws Exception {
        SmtpSink sink = postern.newSink();
        sink.setRcptReply("450 4.2.0 try again later");
        PosternProcess server = postern.newServer().myhostname(HOST).relayhost(sink)
            .parameter("alias_maps", "texthash:conf/aliases");
        Path archive = archiveFolder(server.home().resolve("archive")).resolve("list.mbox");
        Path folder = archive.getParent();
        server.writeConfFile("aliases", "archive: " + archive + "\n"
            + "whoami: \"|/usr/bin/id -u > " + folder.resolve("uid.txt") + "; /usr/bin/env > " + folder.resolve("env.txt")
            + "\"\n").start();

        server.webAdmin().putUser("bob@" + HOST, "password-whose-hash-is-secret");
        send(server, "bob@" + HOST, "maildir");
        send(server, "archive@" + HOST, "file");
        send(server, "whoami@" + HOST, "command");
        String queued = LocalDeliveryIT.queueIdOf(send(server, "someone@remote.example", "queued"));

        Await.value("bob's message", DELIVERY, () -> count(server.varDir().resolve("mail/" + HOST + "/bob/Maildir/new")),
            n -> n == 1);
        Await.value("the /file delivery", DELIVERY, () -> archive.toFile().length(), n -> n > 0);
        server.awaitMaillogLine("the deferral of " + queued, DELIVERY,
            line -> line.contains(queued + ": to=<someone@remote.example>") && line.contains("status=deferred"));
        assertThat(server.varDir().resolve("store/users.properties")).isRegularFile();
        assertThat(server.maillogPath()).isRegularFile();

        List<String> open = openToOthers(server.varDir());
        assertThat(open).as("files and folders under var/ that the group or others may use").isEmpty();
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(archive))).isEqualTo("rw-------");
        Path env = folder.resolve("env.txt");
        Await.value("the command's output", DELIVERY, () -> env.toFile().length(), n -> n > 0);
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(env))).isEqualTo("rw-------");
        assertThat(Files.readString(env)).as("the command's environment").doesNotContain("POSTERN_")
            .contains("RECIPIENT=whoami@" + HOST, "PATH=/usr/bin:/bin");
        if (runningAsRoot()) {
            Object nobody = Files.getAttribute(folder, "unix:uid");
            assertThat(Files.getAttribute(archive, "unix:uid")).as("the /file's owner: default_privs").isEqualTo(nobody);
            assertThat(Files.readString(folder.resolve("uid.txt")).strip()).as("the command's uid: default_privs")
                .isEqualTo(nobody.toString());
        }
    }

    /** A folder for the /file: nobody's when the test (hence Postern) runs as root, as an operator would set it up. */
    private static Path archiveFolder(Path folder) throws Exception {
        Files.createDirectories(folder);
        Files.setPosixFilePermissions(folder, PosixFilePermissions.fromString("rwx------"));
        if (runningAsRoot()) {
            Process chown = new ProcessBuilder("chown", "nobody:", folder.toString()).inheritIO().start();
            assertThat(chown.waitFor()).as("chown nobody: " + folder).isZero();
            assertThat(Files.getAttribute(folder, "unix:uid")).isNotEqualTo(0);
        }
        return folder;
    }

    private static boolean runningAsRoot() throws IOException {
        return (Integer) Files.getAttribute(Path.of("/proc/self"), "unix:uid") == 0;
    }

    private static ClientReply send(PosternProcess server, String to, String token) {
        try (SmtpClient client = server.connect()) {
            client.ehlo("client.example");
            ClientReply reply = client.sendMail("alice@sender.example", to,
                TestMessages.withToken("alice@sender.example", to, token, "private words\r\n"));
            client.quit();
            assertThat(reply.full()).matches("250 2\\.0\\.0 Ok: queued as [0-9A-F]{12}");
            return reply;
        }
    }

    private static List<String> openToOthers(Path var) throws IOException {
        try (Stream<Path> all = Files.walk(var)) {
            return all.filter(path -> !Files.isSymbolicLink(path)).map(path -> {
                try {
                    Set<PosixFilePermission> mode = Files.getPosixFilePermissions(path, LinkOption.NOFOLLOW_LINKS);
                    return mode.stream().anyMatch(GROUP_OR_OTHER::contains)
                        ? PosixFilePermissions.toString(mode) + " " + path : null;
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            }).filter(line -> line != null).toList();
        }
    }

    private static long count(Path folder) {
        if (!Files.isDirectory(folder)) {
            return 0;
        }
        try (Stream<Path> files = Files.list(folder)) {
            return files.count();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
