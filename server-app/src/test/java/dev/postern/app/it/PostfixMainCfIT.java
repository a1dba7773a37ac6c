package dev.postern.app.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.postern.app.harness.ExitResult;
import dev.postern.app.harness.PosternExtension;
import dev.postern.app.harness.PosternProcess;
import dev.postern.app.harness.SmtpClient;
import dev.postern.app.harness.TestMessages;
import dev.postern.testing.smtp.SinkMessage;
import dev.postern.testing.smtp.SmtpSink;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Debian's default main.cf ({@code /usr/share/postfix/main.cf.debian}, installed with Postfix) loads
 * unchanged: its Postfix-only names (biff, readme_directory) are accepted, and a client in mynetworks
 * is relayed. Then, in the same server, what a Postfix administrator adds: a user-defined restriction
 * list used as {@code $name}, a Postfix parameter Postern does not implement (a warning), one it has
 * no need of (silent), a name nobody uses (Postfix's "unused parameter" warning); and the statuses
 * {@code postern postconf} shows. One server for the class.
 */
class PostfixMainCfIT {
    private static final Path DEBIAN_MAIN_CF = Path.of("/usr/share/postfix/main.cf.debian");
    private static final Duration DELIVERY = Duration.ofSeconds(60);

    @RegisterExtension
    final PosternExtension postern = new PosternExtension();

    @Test
    void debiansDefaultMainCfRunsAndAPostfixAdministratorsAdditionsWork() throws IOException {
        assumeTrue(Files.isReadable(DEBIAN_MAIN_CF), "Debian's Postfix package is not installed");
        String debian = Files.readString(DEBIAN_MAIN_CF, StandardCharsets.UTF_8);
        SmtpSink sink = postern.newSink();
        PosternProcess server = postern.newServer().myhostname("mx.debian-it.test").relayhost(sink);
        server.writeConfFile("main.cf", debian);

        ExitResult check = server.runCommand("check");
        assertThat(check.exitCode()).as("postern check of Debian's main.cf: %s", check).isZero();
        assertThat(check.stderr()).as("%s", check).doesNotContain("warning");

        int first = server.appendMainCf(
            "site_relay_checks = check_client_access inline:{127.0.0.2=REJECT},",
            "    permit_mynetworks, reject_unauth_destination",
            "smtpd_relay_restrictions = $site_relay_checks",
            "smtpd_tls_protocols = !SSLv2, !SSLv3",
            "smtp_tls_session_cache_database = btree:${data_directory}/smtp_scache",
            "inet_protocols = all",
            "site_note = nobody reads this",
            "smtpd_helo_required = yes",
            "disable_vrfy_command = yes");
        server.start();

        try (SmtpClient hasty = server.connect()) {
            hasty.greeting();
            assertThat(hasty.mailFrom("alice@client.example").full()).isEqualTo("503 5.5.1 Error: send HELO/EHLO first");
            assertThat(hasty.command("VRFY root").full()).isEqualTo("502 5.5.1 VRFY command is disabled");
        }

        try (SmtpClient client = server.connect()) {
            assertThat(client.greeting().full()).isEqualTo("220 mx.debian-it.test ESMTP Postern (Debian/GNU)");
            assertThat(client.ehlo("client.example").code()).isEqualTo(250);
            assertThat(client.mailFrom("alice@client.example").code()).isEqualTo(250);
            assertThat(client.rcptTo("bob@remote.example").code()).isEqualTo(250);
            assertThat(client.data(TestMessages.withToken("alice@client.example", "bob@remote.example", "debian-1",
                "hello\r\n")).code()).isEqualTo(250);
            client.quit();
        }
        SinkMessage relayed = sink.awaitMessages(1, DELIVERY).get(0);
        assertThat(TestMessages.token(relayed)).contains("debian-1");

        try (SmtpClient stranger = server.connectFrom("127.0.0.2")) {
            stranger.greeting();
            stranger.ehlo("stranger.example");
            stranger.mailFrom("eve@stranger.example");
            assertThat(stranger.rcptTo("bob@remote.example").full())
                .as("the user-defined list $site_relay_checks, through its own access table")
                .startsWith("554 5.7.1").contains("Client host rejected");
        }
        assertThat(sink.messageCount()).isEqualTo(1);

        String mainCf = server.mainCf().toString();
        assertThat(server.maillog())
            .contains("warning: " + mainCf + ", line " + (first + 3) + ": smtpd_tls_protocols is a Postfix parameter"
                + " that Postern does not implement; the setting is ignored")
            .contains("warning: " + mainCf + ", line " + (first + 6) + ": unused parameter: site_note=nobody reads this")
            .doesNotContain("inet_protocols")
            .doesNotContain("smtp_tls_session_cache_database")
            .doesNotContain("biff");

        ExitResult warned = server.runCommand("check");
        assertThat(warned.exitCode()).as("%s", warned).isZero();
        assertThat(warned.stderrLines()).as("check warns as the start does").contains(
            "postern: warning: " + mainCf + ", line " + (first + 6) + ": unused parameter: site_note=nobody reads this");

        ExitResult status = server.runCommand("postconf", "--status", "biff", "smtpd_tls_protocols", "relayhost",
            "site_relay_checks");
        assertThat(status.exitCode()).as("%s", status).isZero();
        assertThat(status.stdoutLines()).containsExactly("biff\tinert", "smtpd_tls_protocols\tnot-implemented",
            "relayhost\timplemented", "site_relay_checks\tuser-defined");
        ExitResult defaults = server.runCommand("postconf", "-d", "smtpd_helo_required", "readme_directory");
        assertThat(defaults.stdoutLines()).containsExactly("smtpd_helo_required = no",
            "readme_directory = /usr/share/doc/postfix");

        server.appendMainCf("smtpd_proxy_filter = 127.0.0.1:10024", "smtpd_tls_req_ccert = yes");
        ExitResult refused = server.runCommand("check");
        assertThat(refused.exitCode()).as("%s", refused).isNotZero();
        assertThat(refused.stderr()).as("both settings that would weaken the policy, in one run")
            .contains("smtpd_proxy_filter is a Postfix parameter").contains("smtpd_tls_req_ccert is a Postfix parameter");
    }
}
