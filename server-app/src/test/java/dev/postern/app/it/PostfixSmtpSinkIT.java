package dev.postern.app.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.postern.app.harness.Await;
import dev.postern.app.harness.ClientReply;
import dev.postern.app.harness.FreePorts;
import dev.postern.app.harness.PosternExtension;
import dev.postern.app.harness.PosternProcess;
import dev.postern.app.harness.SmtpClient;
import dev.postern.app.harness.TestMessages;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The SMTP client against Postfix's own server side, smtp-sink(1): pipelined to the sink that
 * offers PIPELINING (the default), one command at a time to the one started with {@code -p}.
 * Each sink dumps every transaction to a file of its folder (envelope as X-Rcpt-Args lines).
 */
class PostfixSmtpSinkIT {

    private static final Duration DELIVERY = Duration.ofSeconds(60);

    @RegisterExtension
    static final PosternExtension postern = new PosternExtension();
    @TempDir
    static Path dumps;
    private static final List<Process> sinks = new ArrayList<>();
    private static PosternProcess server;

    @BeforeAll
    static void startSinksAndServer() throws IOException {
        int pipelining = startSink("pipelining");
        int plain = startSink("plain", "-p");
        server = postern.newServer().myhostname("mx.sink-it.test").relayhost(pipelining)
                .parameter("transport_maps", "inline:{plain.example=smtp:[127.0.0.1]:" + plain + "}").start();
    }

    @AfterAll
    static void stopSinks() {
        sinks.forEach(Process::destroy);
    }

    @Test
    void eachRecipientReachesASinkThatOffersPipelining() {
        assertDelivered("pipelining", "a@remote.example", "b@remote.example", "c@remote.example");
    }

    @Test
    void eachRecipientReachesASinkWithoutPipelining() {
        assertDelivered("plain", "a@plain.example", "b@plain.example");
    }

    private static void assertDelivered(String sink, String... recipients) {
        String token = sink + "-" + recipients.length;
        try (SmtpClient client = server.connect()) {
            client.ehlo("client.example");
            ClientReply reply = client.sendMail("alice@client.example", List.of(recipients),
                    TestMessages.withToken("alice@client.example", recipients[0], token, "hello\r\n"));
            assertThat(reply.code()).as("%s", reply).isEqualTo(250);
            client.quit();
        }
        String dump = Await.value("the dump of " + token + " in " + sink, DELIVERY, () -> dumpWith(sink, token),
                text -> !text.isEmpty());
        for (String recipient : recipients) {
            assertThat(dump).contains("X-Rcpt-Args: <" + recipient + ">");
        }
        assertThat(dump).contains("X-Mail-Args: <alice@client.example>").contains("hello");
    }

    private static String dumpWith(String sink, String token) {
        try (Stream<Path> files = Files.list(dumps.resolve(sink))) {
            for (Path file : files.toList()) {
                String text = Files.readString(file);
                if (text.contains(token)) {
                    return text;
                }
            }
            return "";
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static int startSink(String name, String... options) throws IOException {
        Path folder = Files.createDirectories(dumps.resolve(name));
        // smtp-sink drops its privileges (-u nobody) before it writes a dump: it must reach the folder.
        Files.setPosixFilePermissions(dumps, PosixFilePermissions.fromString("rwxr-xr-x"));
        Files.setPosixFilePermissions(folder, PosixFilePermissions.fromString("rwxrwxrwx"));
        int port = FreePorts.allocate();
        List<String> command = new ArrayList<>(List.of(Files.exists(Path.of("/usr/sbin/smtp-sink"))
                ? "/usr/sbin/smtp-sink" : "smtp-sink"));
        if (System.getProperty("user.name").equals("root")) {
            command.addAll(List.of("-u", "nobody"));
        }
        command.addAll(List.of(options));
        command.addAll(List.of("-d", folder + "/%H%M%S.", "127.0.0.1:" + port, "16"));
        sinks.add(new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(dumps.resolve(name + ".log").toFile()).start());
        Await.until("smtp-sink " + name + " listening on " + port, Duration.ofSeconds(10), () -> listening(port));
        return port;
    }

    private static boolean listening(int port) {
        try (Socket socket = new Socket("127.0.0.1", port)) {
            return true;
        } catch (IOException e) {
            return false;
        }
    }
}
