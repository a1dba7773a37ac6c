package dev.postern.app.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import dev.postern.app.harness.ExitResult;
import dev.postern.app.harness.PosternExtension;
import dev.postern.app.harness.PosternProcess;
import dev.postern.app.harness.SmtpClient;
import dev.postern.app.harness.TestMessages;
import dev.postern.testing.smtp.SinkMessage;
import dev.postern.testing.smtp.SmtpSink;

/**
 * A deployment from Postfix's documentation taken as its administrator has it in /etc/postfix,
 * through {@code import-postfix}, {@code check} and a real message: a Debian satellite that sends
 * everything through its provider's smarthost with a password from {@code sasl_passwd} (a {@code hash:}
 * table with its compiled {@code .db} beside it). The smarthost is an SMTP sink that offers AUTH. And
 * Postfix's own sample main.cf, which must run unchanged.
 * (The other deployments of the issue have their own classes: ContentFilterIT for an amavis-style
 * filter with its re-injection listener, MasterCfIT for a pipe transport, DovecotIT and DovecotSaslIT
 * for a virtual-mailbox host with Dovecot's LMTP and SASL.)
 */
class PostfixDeploymentsIT {
    private static final Path DEBIAN_MAIN_CF = Path.of("/usr/share/postfix/main.cf.debian");
    private static final Duration DELIVERY = Duration.ofSeconds(60);
    private static final String CREDENTIALS = "satellite@isp.example:s3cret";

    @RegisterExtension
    final PosternExtension postern = new PosternExtension();

    @Test
    void aDebianSatelliteRelaysThroughItsSmarthostWithTheSaslPasswdPassword() throws IOException {
        assumeTrue(Files.isReadable(DEBIAN_MAIN_CF), "Debian's Postfix package is not installed");
        SmtpSink smarthost = postern.newSink()
            .setEhloKeywords("PIPELINING", "8BITMIME", "AUTH PLAIN LOGIN", "ENHANCEDSTATUSCODES")
            .setAuthAccepts(CREDENTIALS);
        PosternProcess server = postern.newServer().myhostname("satellite.deploy-it.test");
        Path etc = Files.createDirectories(server.home().resolveSibling(server.home().getFileName() + "-etc-postfix"));
        String relayhost = "[127.0.0.1]:" + smarthost.port();
        Files.writeString(etc.resolve("main.cf"), Files.readString(DEBIAN_MAIN_CF, StandardCharsets.UTF_8)
            + "\n# satellite: everything through the provider's smarthost\n"
            + "relayhost = " + relayhost + "\n"
            + "smtp_sasl_auth_enable = yes\n"
            + "smtp_sasl_password_maps = hash:" + etc + "/sasl_passwd\n"
            + "smtp_sasl_security_options = noanonymous\n"
            + "smtp_tls_security_level = may\n");
        Files.writeString(etc.resolve("sasl_passwd"), relayhost + "    " + CREDENTIALS + "\n");
        Files.writeString(etc.resolve("sasl_passwd.db"), "compiled by postmap");

        ExitResult imported = server.runCommand("import-postfix", etc.toString());
        assertThat(imported.exitCode()).as("%s", imported).isZero();
        assertThat(imported.stdoutLines()).as("%s", imported)
            .contains("  hash:" + server.confDir() + "/sasl_passwd: supported");
        ExitResult check = server.runCommand("check");
        assertThat(check.exitCode()).as("%s", check).isZero();

        server.start();
        try (SmtpClient client = server.connect()) {
            client.ehlo("workstation.example");
            assertThat(client.sendMail("alice@satellite.deploy-it.test", "friend@remote.example",
                TestMessages.withToken("alice@satellite.deploy-it.test", "friend@remote.example", "satellite-1",
                    "hello\r\n")).code()).isEqualTo(250);
            client.quit();
        }

        SinkMessage relayed = TestMessages.awaitToken(smarthost, "satellite-1", DELIVERY).get(0);
        assertThat(relayed.recipients()).containsExactly("friend@remote.example");
        assertThat(smarthost.connections()).as("the password of sasl_passwd, keyed by the relayhost as written")
            .anyMatch(connection -> connection.credentials().stream().anyMatch(line -> line.endsWith(" " + CREDENTIALS)));
    }

    /** Postfix's own sample main.cf, as Debian installs it, runs unchanged and relays for mynetworks. */
    @Test
    void postfixsSampleMainCfRunsUnchangedAndRelaysForMynetworks() throws IOException {
        Path sample = Path.of("/usr/share/postfix/main.cf.dist");
        assumeTrue(Files.isReadable(sample), "Postfix's sample main.cf is not installed");
        SmtpSink nextHop = postern.newSink();
        PosternProcess server = postern.newServer().myhostname("sample.deploy-it.test").relayhost(nextHop)
            .writeConfFile("main.cf", Files.readString(sample, StandardCharsets.UTF_8));

        ExitResult check = server.runCommand("check");
        assertThat(check.exitCode()).as("%s", check).isZero();
        server.start();
        try (SmtpClient client = server.connect()) {
            client.ehlo("workstation.example");
            assertThat(client.sendMail("alice@client.example", "friend@remote.example",
                TestMessages.withToken("alice@client.example", "friend@remote.example", "sample-1", "hello\r\n")).code())
                .isEqualTo(250);
            client.quit();
        }
        assertThat(TestMessages.awaitToken(nextHop, "sample-1", DELIVERY).get(0).recipients())
            .containsExactly("friend@remote.example");
    }
}
