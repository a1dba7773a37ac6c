package dev.postern.app.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.postern.app.harness.ExitResult;
import dev.postern.app.harness.PosternExtension;
import dev.postern.app.harness.PosternServer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * {@code postern check}: the configuration and its tables validated without a start, each
 * problem one {@code postern: fatal:} line naming where it is, status 1; and no port taken.
 */
class CheckCommandIT {

    @RegisterExtension
    final PosternExtension postern = new PosternExtension();

    @Test
    void theShippedConfigurationWithTablesIsOk() throws IOException {
        PosternServer server = postern.newServer();
        Files.writeString(server.confDir().resolve("access"), "spam.example  REJECT\n");
        server.appendMainCf("smtpd_sender_restrictions = check_sender_access hash:conf/access");

        ExitResult result = server.runCommand("check");

        assertThat(result.exitCode()).as("%s", result).isZero();
        assertThat(result.stderr()).as("%s", result).isEmpty();
        assertThat(result.stdoutLines()).containsExactly("postern: check: configuration OK");
    }

    @Test
    void aBadMainCfLineIsNamedByFileAndLine() {
        PosternServer server = postern.newServer();
        int line = server.appendMainCf("this line has no equals sign");

        ExitResult result = server.runCommand("check");

        assertThat(result.exitCode()).as("%s", result).isEqualTo(1);
        assertThat(fatalLines(result)).as("%s", result).singleElement().asString().contains("main.cf:" + line + ":");
        assertNoStackTrace(result);
    }

    @Test
    void anUnknownRestrictionIsNamedByItsParameterOnce() {
        PosternServer server = postern.newServer();
        server.appendMainCf("smtpd_client_restrictions = permit_mynetworks, reject_everything_bad");

        ExitResult result = server.runCommand("check");

        assertThat(result.exitCode()).as("%s", result).isEqualTo(1);
        // the MX listener inherits the list; the problem is still said once
        assertThat(fatalLines(result)).as("%s", result).singleElement().asString()
            .contains("smtpd_client_restrictions").contains("reject_everything_bad");
        assertNoStackTrace(result);
    }

    @Test
    void aProblemInAnEarlierListDoesNotHideOneInALaterList() {
        PosternServer server = postern.newServer();
        server.appendMainCf("smtpd_client_restrictions = reject_client_bogus",
            "smtpd_data_restrictions = reject_data_bogus");

        ExitResult result = server.runCommand("check");

        assertThat(result.exitCode()).as("%s", result).isEqualTo(1);
        assertThat(fatalLines(result)).as("every problem of %s", result).hasSize(2)
            .anyMatch(l -> l.contains("smtpd_client_restrictions") && l.contains("reject_client_bogus"))
            .anyMatch(l -> l.contains("smtpd_data_restrictions") && l.contains("reject_data_bogus"));
    }

    @Test
    void anIpv6ListenAddressIsReportedAsTheStartWouldReportIt() {
        PosternServer server = postern.newServer().parameter("postern_submission_listen", "[::1]:2587");

        ExitResult result = server.runCommand("check");

        assertThat(result.exitCode()).as("%s", result).isEqualTo(1);
        assertThat(fatalLines(result)).as("%s", result).singleElement().asString()
            .contains("postern_submission_listen").contains("IPv6");
    }

    @Test
    void aBadTableLineIsNamedByFileAndLineForHashAndTexthash() throws IOException {
        PosternServer server = postern.newServer();
        Files.writeString(server.confDir().resolve("sender_access"), "# senders\nok.example  OK\n\"bad.example  REJECT\n");
        Files.writeString(server.confDir().resolve("helo_access"), "\"helo.example REJECT\n");
        server.appendMainCf("smtpd_sender_restrictions = check_sender_access hash:conf/sender_access",
            "smtpd_helo_restrictions = check_helo_access texthash:conf/helo_access");

        ExitResult result = server.runCommand("check");

        assertThat(result.exitCode()).as("%s", result).isEqualTo(1);
        assertThat(fatalLines(result)).as("every problem of %s", result).hasSize(2)
            .anyMatch(l -> l.contains("sender_access:3"))
            .anyMatch(l -> l.contains("helo_access:1"));
        assertNoStackTrace(result);
    }

    /** As in Postfix, a malformed rule is skipped with a warning naming file and line; the rest of the table is used. */
    @Test
    void aBadHeaderChecksRuleIsListedAsAWarning() throws IOException {
        PosternServer server = postern.newServer();
        Files.writeString(server.confDir().resolve("header_checks"), "/^X-Ok:/ WARN fine\n/^Subject: (unclosed/ REJECT\n");
        server.appendMainCf("header_checks = regexp:conf/header_checks");

        ExitResult result = server.runCommand("check");

        assertThat(result.exitCode()).as("%s", result).isEqualTo(0);
        assertThat(result.stderr().lines().filter(l -> l.startsWith("postern: warning: ")))
            .as("%s", result).singleElement().asString()
            .contains(server.confDir().resolve("header_checks") + ", line 2: invalid regular expression")
            .endsWith(": skipping this rule");
    }

    @Test
    void aBadOverrideNamesItsListener() throws IOException {
        PosternServer server = postern.newServer();
        String shipped = Files.readString(server.confDir().resolve("smtpserver.xml"));
        server.writeConfFile("smtpserver.xml", shipped.replaceFirst(
            "<override>smtpd_client_auth_rate_limit = 30</override>",
            "<override>smtpd_client_auth_rate_limit = 30</override><override>no equals sign</override>"));

        ExitResult result = server.runCommand("check");

        assertThat(result.exitCode()).as("%s", result).isEqualTo(1);
        assertThat(fatalLines(result)).as("%s", result).singleElement().asString()
            .startsWith("postern: fatal: smtpserver.xml: listener submission: ").contains("no equals sign");
        assertNoStackTrace(result);
    }

    @Test
    void aListenerOnlyRestrictionProblemNamesTheListener() throws IOException {
        PosternServer server = postern.newServer();
        String shipped = Files.readString(server.confDir().resolve("smtpserver.xml"));
        server.writeConfFile("smtpserver.xml", shipped.replaceFirst(
            "<override>smtpd_relay_restrictions = permit_sasl_authenticated, reject</override>",
            "<override>smtpd_relay_restrictions = permit_sasl_authenticated, check_client_access hash:conf/missing, reject</override>"));

        ExitResult result = server.runCommand("check");

        assertThat(result.exitCode()).as("%s", result).isEqualTo(1);
        assertThat(fatalLines(result)).as("%s", result).singleElement().asString()
            .startsWith("postern: fatal: smtpserver.xml: listener submission: ").contains("missing");
    }

    @Test
    void aMissingCertificateFileIsNamed() {
        PosternServer server = postern.newServer();
        server.appendMainCf("smtpd_tls_cert_file = conf/nonexistent-cert.pem", "smtpd_tls_key_file = conf/nonexistent-key.pem");

        ExitResult result = server.runCommand("check");

        assertThat(result.exitCode()).as("%s", result).isEqualTo(1);
        assertThat(fatalLines(result)).as("%s", result).isNotEmpty()
            .allMatch(l -> l.contains("smtpd_tls_cert_file"));
        assertThat(server.varDir().resolve("tls")).as("check writes no self-signed pair").doesNotExist();
    }

    @Test
    void checkBindsNoPortAndRunsBesideTheServer() throws IOException {
        PosternServer server = postern.newServer();
        try (ServerSocket occupier = new ServerSocket(server.smtpPort(), 50, InetAddress.getByName("127.0.0.1"))) {
            ExitResult whilePortTaken = server.runCommand("check");
            assertThat(whilePortTaken.exitCode()).as("%s", whilePortTaken).isZero();
        }
        server.start();

        ExitResult whileRunning = server.runCommand("check");

        assertThat(whileRunning.exitCode()).as("%s", whileRunning).isZero();
        assertThat(server.isRunning()).as("the running server is untouched").isTrue();
    }

    private static List<String> fatalLines(ExitResult result) {
        return result.stderrLines().stream().filter(l -> l.startsWith("postern: fatal: ")).toList();
    }

    private static void assertNoStackTrace(ExitResult result) {
        assertThat(result.stderr()).as("%s", result).doesNotContain("\tat ").doesNotContain("Exception");
    }
}
