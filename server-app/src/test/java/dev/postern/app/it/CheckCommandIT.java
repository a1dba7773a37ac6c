package dev.postern.app.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import dev.postern.app.harness.ExitResult;
import dev.postern.app.harness.PosternExtension;
import dev.postern.app.harness.PosternProcess;

/**
 * {@code postern check}: the configuration and its tables validated without a start, each
 * problem one {@code postern: fatal:} line naming where it is, status 1; and no port taken.
 */
class CheckCommandIT {

    @RegisterExtension
    final PosternExtension postern = new PosternExtension();

    @Test
    void theShippedConfigurationWithTablesIsOk() throws IOException {
        PosternProcess server = postern.newServer();
        Files.writeString(server.confDir().resolve("access"), "spam.example  REJECT\n");
        server.appendMainCf("smtpd_sender_restrictions = check_sender_access hash:conf/access");

        ExitResult result = server.runCommand("check");

        assertThat(result.exitCode()).as("%s", result).isZero();
        assertThat(result.stderr()).as("%s", result).isEmpty();
        assertThat(result.stdoutLines()).containsExactly("postern: check: configuration OK");
    }

    @Test
    void aBadMainCfLineIsNamedByFileAndLine() {
        PosternProcess server = postern.newServer();
        int line = server.appendMainCf("this line has no equals sign");

        ExitResult result = server.runCommand("check");

        assertThat(result.exitCode()).as("%s", result).isEqualTo(1);
        assertThat(fatalLines(result)).as("%s", result).singleElement().asString().contains("main.cf:" + line + ":");
        assertNoStackTrace(result);
    }

    @Test
    void anUnknownRestrictionIsNamedByItsParameterOnce() {
        PosternProcess server = postern.newServer();
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
        PosternProcess server = postern.newServer();
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
        PosternProcess server = postern.newServer().parameter("postern_submission_listen", "[::1]:2587");

        ExitResult result = server.runCommand("check");

        assertThat(result.exitCode()).as("%s", result).isEqualTo(1);
        assertThat(fatalLines(result)).as("%s", result).singleElement().asString()
            .contains("postern_submission_listen").contains("IPv6");
    }

    @Test
    void aBadTableLineIsNamedByFileAndLineForHashAndTexthash() throws IOException {
        PosternProcess server = postern.newServer();
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
        PosternProcess server = postern.newServer();
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
        PosternProcess server = postern.newServer();
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
        PosternProcess server = postern.newServer();
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
        PosternProcess server = postern.newServer();
        server.appendMainCf("smtpd_tls_cert_file = conf/nonexistent-cert.pem", "smtpd_tls_key_file = conf/nonexistent-key.pem");

        ExitResult result = server.runCommand("check");

        assertThat(result.exitCode()).as("%s", result).isEqualTo(1);
        assertThat(fatalLines(result)).as("%s", result).isNotEmpty()
            .allMatch(l -> l.contains("smtpd_tls_cert_file"));
        assertThat(server.varDir().resolve("tls")).as("check writes no self-signed pair").doesNotExist();
    }

    @Test
    void checkBindsNoPortAndRunsBesideTheServer() throws IOException {
        PosternProcess server = postern.newServer();
        try (ServerSocket occupier = new ServerSocket(server.smtpPort(), 50, InetAddress.getByName("127.0.0.1"))) {
            ExitResult whilePortTaken = server.runCommand("check");
            assertThat(whilePortTaken.exitCode()).as("%s", whilePortTaken).isZero();
        }
        server.start();

        ExitResult whileRunning = server.runCommand("check");

        assertThat(whileRunning.exitCode()).as("%s", whileRunning).isZero();
        assertThat(server.isRunning()).as("the running server is untouched").isTrue();
    }

    @Test
    void checkWritesNothingNotEvenALogFile() throws IOException {
        PosternProcess server = postern.newServer();
        Files.delete(server.varDir());
        List<String> before = tree(server.home());

        ExitResult ok = server.runCommand("check");
        server.appendMainCf("transport_maps = hash:conf/no-such-transport");
        List<String> edited = tree(server.home());
        ExitResult failed = server.runCommand("check");

        assertThat(ok.exitCode()).as("%s", ok).isZero();
        assertThat(failed.exitCode()).as("%s", failed).isEqualTo(1);
        assertThat(server.varDir()).as("check creates no var/ (no log, no queue, no TLS pair)").doesNotExist();
        assertThat(before).as("the home after a clean check").isEqualTo(edited);
        assertThat(tree(server.home())).as("the home after a failed check").isEqualTo(edited);
        assertThat(ok.stdout() + failed.stdout()).as("no log line on standard output")
            .doesNotContain("WARN").doesNotContain("INFO");
    }

    @Test
    void whatAStartRefusesCheckReportsAllInOneRun() throws IOException {
        PosternProcess server = postern.newServer();
        int tlsLine = server.appendMainCf("smtp_tls_security_level = bogus");
        server.appendMainCf("transport_maps = hash:conf/no-such-transport",
            "smtp_sasl_password_maps = hash:conf/no-such-passwords",
            "sender_dependent_relayhost_maps = texthash:conf/no-such-relayhosts");

        ExitResult result = server.runCommand("check");

        assertThat(result.exitCode()).as("%s", result).isEqualTo(1);
        assertThat(fatalLines(result)).as("every problem of %s", result)
            .anyMatch(l -> l.contains("transport_maps") && l.contains("no-such-transport"))
            .anyMatch(l -> l.contains("smtp_sasl_password_maps") && l.contains("no-such-passwords"))
            .anyMatch(l -> l.contains("sender_dependent_relayhost_maps") && l.contains("no-such-relayhosts"))
            .anyMatch(l -> l.contains("smtp_tls_security_level") && l.contains("bogus"))
            .noneMatch(l -> l.contains("transport_maps") && l.contains("QueueManager"));
        assertNoStackTrace(result);

        // the start makes the same check first: every problem at once, not the first one it meets
        ExitResult run = server.runUntilExit(PosternProcess.COMMAND_TIMEOUT);
        assertThat(run.exitCode()).as("%s", run).isNotZero();
        assertThat(run.stderrLines()).as("%s", run)
            .anyMatch(l -> l.startsWith("postern: fatal: ") && l.contains("no-such-transport"))
            .anyMatch(l -> l.startsWith("postern: fatal: ") && l.contains("no-such-passwords"));
        assertThat(tlsLine).isPositive();
    }

    @Test
    void aDomainListThatCannotBeMadeNamesMyoriginAndHidesNoOtherProblem() {
        PosternProcess server = postern.newServer();
        int line = server.appendMainCf("myorigin = no!such", "smtp_tls_security_level = bogus");

        ExitResult result = server.runCommand("check");

        assertThat(result.exitCode()).as("%s", result).isEqualTo(1);
        assertThat(fatalLines(result)).as("%s", result).hasSize(2)
            .anyMatch(l -> l.contains("main.cf:" + line + ": myorigin") && l.contains("no!such"))
            .anyMatch(l -> l.contains("smtp_tls_security_level") && l.contains("bogus"));
        assertNoStackTrace(result);
    }

    @Test
    void everyMatcherAndMailetOfThePipelineIsLoadedAsTheServerLoadsIt() throws IOException {
        PosternProcess server = postern.newServer();
        String shipped = Files.readString(server.confDir().resolve("mailetcontainer.xml"));
        server.writeConfFile("mailetcontainer.xml", shipped
            .replace("class=\"dev.postern.mailets.AutomaticBcc\"", "class=\"dev.postern.mailets.NoSuchMailet\"")
            .replace("match=\"RelayLimit=50\"", "match=\"NoSuchMatcher=50\"")
            .replace("<mailet match=\"All\" class=\"PostmasterAlias\"/>",
                "<mailet match=\"All\" class=\"PostmasterAlias\"/><mailet match=\"All\" class=\"ToProcessor\"/>"));

        ExitResult result = server.runCommand("check");

        assertThat(result.exitCode()).as("%s", result).isEqualTo(1);
        assertThat(fatalLines(result)).as("every problem of %s", result).hasSize(3)
            .anyMatch(l -> l.contains("mailetcontainer.xml: processor root: mailet dev.postern.mailets.NoSuchMailet"))
            .anyMatch(l -> l.contains("mailetcontainer.xml: processor root: matcher NoSuchMatcher=50"))
            // a mailet's own init: ToProcessor needs its <processor>
            .anyMatch(l -> l.contains("mailetcontainer.xml: processor root: mailet ToProcessor"));
        assertNoStackTrace(result);
    }

    @Test
    void aHandlerOfTheHandlerChainIsLoadedWithItsSettings() throws IOException {
        PosternProcess server = postern.newServer();
        String shipped = Files.readString(server.confDir().resolve("smtpserver.xml"));
        server.writeConfFile("smtpserver.xml", shipped.replaceFirst(
            "<handlerchain enableJmx=\"false\" coreHandlersPackage=\"dev.postern.smtpd.PosternCmdHandlerLoader\"/>",
            "<handlerchain enableJmx=\"false\" coreHandlersPackage=\"dev.postern.smtpd.PosternCmdHandlerLoader\">"
                + "<handler class=\"org.example.NoSuchHook\"/></handlerchain>"));

        ExitResult result = server.runCommand("check");

        assertThat(result.exitCode()).as("%s", result).isEqualTo(1);
        assertThat(fatalLines(result)).as("%s", result).singleElement().asString()
            .startsWith("postern: fatal: smtpserver.xml: listener smtpserver: <handlerchain>: ")
            .contains("org.example.NoSuchHook");
    }

    @Test
    void anUnreadableIncludeFileOfTheAliasesIsNamed() throws IOException {
        PosternProcess server = postern.newServer();
        Files.writeString(server.confDir().resolve("aliases"), "postmaster: root\nlist: :include:conf/no-such-list\n");
        server.appendMainCf("alias_maps = hash:conf/aliases");

        ExitResult result = server.runCommand("check");

        assertThat(result.exitCode()).as("%s", result).isEqualTo(1);
        assertThat(fatalLines(result)).as("%s", result).singleElement().asString()
            .contains("alias_maps").contains("\"list\"").contains("no-such-list");
    }

    @Test
    void masterCfProblemsAreReportedEachOnceNamingTheLine() {
        PosternProcess server = postern.newServer();
        server.writeConfFile("master.cf", String.join("\n",
            "smtp      inet  n       -       y       -       -       smtpd",
            "submission inet n       -       y       -       -       smtpd",
            "  -o smtpd_client_auth_rate_limit=5",
            "badflags  unix  -       n       n       -       -       pipe",
            "  flags=RZ user=nobody argv=/bin/cat",
            "asroot    unix  -       n       n       -       -       pipe",
            "  user=root argv=/bin/cat ${recipient}",
            "policy    unix  -       n       n       -       0       spawn",
            "  user=nobody argv=/usr/bin/policyd",
            ""));

        ExitResult result = server.runCommand("check");

        assertThat(result.exitCode()).as("%s", result).isEqualTo(1);
        // the shipped smtpserver.xml sets smtpd_client_auth_rate_limit = 30 for submission
        assertThat(fatalLines(result)).as("every problem of %s, each once", result).hasSize(3)
            .anyMatch(l -> l.contains("master.cf, line 4: badflags/unix: flags=RZ: unknown flag 'Z'"))
            .anyMatch(l -> l.contains("master.cf, line 6: asroot/unix: user=root") && l.contains("never runs as root"))
            .anyMatch(l -> l.contains("smtpd_client_auth_rate_limit") && l.contains("master.cf, line 2")
                && l.contains("smtpserver.xml: listener submission"));
        assertThat(result.stderrLines()).as("%s", result)
            .anyMatch(l -> l.startsWith("postern: warning: ") && l.contains("master.cf, line 8: policy/unix")
                && l.contains("does not run spawn"));
        assertNoStackTrace(result);
    }

    /** Every path under the home, but the harness's own command-N files. */
    private static List<String> tree(java.nio.file.Path home) throws IOException {
        try (var paths = Files.walk(home)) {
            return paths.map(path -> home.relativize(path).toString())
                .filter(path -> !path.startsWith("command-")).sorted().toList();
        }
    }

    private static List<String> fatalLines(ExitResult result) {
        return result.stderrLines().stream().filter(l -> l.startsWith("postern: fatal: ")).toList();
    }

    private static void assertNoStackTrace(ExitResult result) {
        assertThat(result.stderr()).as("%s", result).doesNotContain("\tat ").doesNotContain("Exception");
    }
}
