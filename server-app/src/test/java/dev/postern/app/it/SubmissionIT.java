package dev.postern.app.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import dev.postern.app.harness.ExitResult;
import dev.postern.app.harness.PosternExtension;
import dev.postern.app.harness.PosternProcess;
import dev.postern.app.harness.SmtpClient;
import dev.postern.app.harness.ClientReply;
import dev.postern.app.harness.TestMessages;
import dev.postern.testing.smtp.SinkMessage;
import dev.postern.testing.smtp.SmtpSink;

/**
 * The submission (STARTTLS, 2587) and submissions (implicit TLS, 2465) listeners of the
 * shipped smtpserver.xml: relay only after AUTH, AUTH only after TLS, Postfix's replies and
 * log lines, the self-signed certificate, and per-listener overrides.
 */
class SubmissionIT {
    private static final String H = "mx.submission-it.test";
    private static final String BOB = "bob@" + H;
    private static final String PASSWORD = "s3cret pass";
    private static final String REMOTE = "friend@remote.example";

    @RegisterExtension
    static final PosternExtension postern = new PosternExtension();
    /** Shared by the tests that use the shipped listeners unchanged; each sends its own token. */
    private static SmtpSink sink;
    private static PosternProcess server;

    @BeforeAll
    static void startSharedServer() {
        sink = postern.newSink();
        server = server(sink).start();
        server.webAdmin().putUser(BOB, PASSWORD);
    }

    private static PosternProcess server(SmtpSink sink) {
        PosternProcess server = postern.newServer().myhostname(H).relayhost(sink).mynetworks("127.0.0.0/8");
        return server;
    }

    @Test
    void submissionRelaysOnlyAfterStartTlsAndAuthEvenForMynetworks() {

        try (SmtpClient client = SmtpClient.connect(server.submissionPort())) {
            ClientReply ehlo = client.ehlo("laptop.example");
            assertThat(ehlo.textLines()).contains("STARTTLS").noneMatch(line -> line.startsWith("AUTH"));
            assertThat(client.authPlain(BOB, PASSWORD).full())
                .as("AUTH before STARTTLS, although the password is right")
                .isEqualTo("503 5.5.1 Error: authentication not enabled");
            assertThat(client.mailFrom(BOB).full()).isEqualTo("530 5.7.0 Must issue a STARTTLS command first");

            assertThat(client.starttls().code()).isEqualTo(220);
            assertThat(client.isTls()).isTrue();
            assertThat(client.ehlo("laptop.example").textLines()).contains("AUTH LOGIN PLAIN");
            assertThat(client.mailFrom(BOB).full()).isEqualTo("250 2.1.0 Ok");
            assertThat(client.rcptTo(REMOTE).full())
                .as("no relay without AUTH, from mynetworks too: the listener has its own (empty) mynetworks")
                .isEqualTo("554 5.7.1 <" + REMOTE + ">: Recipient address rejected: Access denied");
            client.rset();

            assertThat(client.authLogin(BOB, "wrong").full())
                .isEqualTo("535 5.7.8 Error: authentication failed: authentication failure");
            assertThat(client.authLogin(BOB, PASSWORD).full()).isEqualTo("235 2.7.0 Authentication successful");
            assertThat(client.authPlain(BOB, PASSWORD).full()).isEqualTo("503 5.5.1 Error: already authenticated");
            assertThat(client.sendMail(BOB, REMOTE, TestMessages.withToken(BOB, REMOTE, "submitted-1", "hello")).code())
                .isEqualTo(250);
            client.quit();
        }

        List<SinkMessage> relayed = TestMessages.awaitToken(sink, "submitted-1", Duration.ofSeconds(30));
        assertThat(relayed.get(0).recipients()).containsExactly(REMOTE);
        assertThat(relayed).as("only the authenticated message is relayed, once").hasSize(1);
        server.awaitMaillogLine("the failed AUTH warning", Duration.ofSeconds(10), line -> line.contains(
            "postern/submission/smtpd[") && line.endsWith(
            "warning: localhost[127.0.0.1]: SASL LOGIN authentication failed: authentication failure"));
        server.awaitMaillogLine("the client line with the login", Duration.ofSeconds(10), line -> line.contains(
            "postern/submission/smtpd[") && line.endsWith(
            ": client=localhost[127.0.0.1], sasl_method=LOGIN, sasl_username=" + BOB));
        assertThat(server.varDir().resolve("tls/postern-cert.pem")).as("the self-signed certificate").isRegularFile();
    }

    @Test
    void submissionsSpeaksTlsFromTheFirstByteAndRelaysAfterAuth() {

        try (SmtpClient client = SmtpClient.connectTls(server.submissionsPort(), "127.0.0.2")) {
            assertThat(client.greeting().code()).isEqualTo(220);
            client.ehlo("laptop.example");
            assertThat(client.mailFrom(BOB).code()).isEqualTo(250);
            assertThat(client.rcptTo(REMOTE).full())
                .isEqualTo("554 5.7.1 <" + REMOTE + ">: Recipient address rejected: Access denied");
            client.rset();
            assertThat(client.authPlain(BOB, PASSWORD).full()).isEqualTo("235 2.7.0 Authentication successful");
            assertThat(client.sendMail(BOB, REMOTE, TestMessages.withToken(BOB, REMOTE, "submitted-2", "hello")).code())
                .isEqualTo(250);
        }
        assertThat(TestMessages.awaitToken(sink, "submitted-2", Duration.ofSeconds(30)).get(0).sender()).isEqualTo(BOB);
    }

    @Test
    void theMxListenerRefusesAuthAndKeepsItsOwnTrustedNetworks() {

        try (SmtpClient client = server.connect()) {
            assertThat(client.command("HELO client.example").full()).as("Postfix's HELO reply").isEqualTo("250 " + H);
            ClientReply ehlo = client.ehlo("client.example");
            assertThat(ehlo.lines().get(0)).as("Postfix's EHLO reply").isEqualTo("250-" + H);
            assertThat(ehlo.textLines()).contains("STARTTLS")
                .noneMatch(line -> line.startsWith("AUTH"));
            assertThat(client.authPlain(BOB, PASSWORD).full()).isEqualTo("503 5.5.1 Error: authentication not enabled");
            assertThat(client.starttls().code()).as("STARTTLS offered at the default level may").isEqualTo(220);
            client.ehlo("client.example");
            assertThat(client.authPlain(BOB, PASSWORD).full())
                .as("no AUTH on the MX listener (smtpd_sasl_auth_enable = no), TLS or not")
                .isEqualTo("503 5.5.1 Error: authentication not enabled");
            assertThat(client.mailFrom("alice@client.example").code()).isEqualTo(250);
            assertThat(client.rcptTo(REMOTE).full()).as("127.0.0.1 is in main.cf's mynetworks").isEqualTo("250 2.1.5 Ok");
        }
    }

    @Test
    void aListenerOverrideAddsSenderLoginMismatch() throws Exception {
        PosternProcess server = server(postern.newSink()).parameter("smtpd_sender_login_maps", "inline:{" + BOB + "=" + BOB + "}");
        Path smtpserver = server.distribution().resolve("conf/smtpserver.xml");
        String shipped = Files.readString(smtpserver);
        String submissionOnly = shipped.replaceFirst("<override>smtpd_sender_restrictions =</override>",
            "<override>smtpd_sender_restrictions = reject_sender_login_mismatch</override>");
        assertThat(submissionOnly).as("the shipped submission listener has the override to change").isNotEqualTo(shipped);
        server.writeConfFile("smtpserver.xml", submissionOnly).start();
        server.webAdmin().putUser(BOB, PASSWORD);
        server.webAdmin().putUser("carol@" + H, PASSWORD);

        try (SmtpClient client = SmtpClient.connect(server.submissionPort())) {
            client.ehlo("laptop.example");
            client.starttls();
            client.ehlo("laptop.example");
            assertThat(client.authPlain("carol@" + H, PASSWORD).code()).isEqualTo(235);
            client.mailFrom(BOB);
            assertThat(client.rcptTo(REMOTE).full())
                .isEqualTo("553 5.7.1 <" + BOB + ">: Sender address rejected: not owned by user carol@" + H);
        }
        try (SmtpClient client = SmtpClient.connect(server.submissionPort())) {
            client.ehlo("laptop.example");
            client.starttls();
            client.ehlo("laptop.example");
            assertThat(client.authPlain(BOB, PASSWORD).code()).isEqualTo(235);
            client.mailFrom(BOB);
            assertThat(client.rcptTo(REMOTE).full()).isEqualTo("250 2.1.5 Ok");
        }
    }

    @Test
    void aBadOverrideStopsTheStartNamingTheListener() {
        PosternProcess server = postern.newServer();
        String shipped = readShipped(server);
        server.writeConfFile("smtpserver.xml", shipped.replaceFirst("<override>smtpd_tls_auth_only = yes</override>",
            "<override>smtpd_tls_auth_onyl = yes</override>"));

        ExitResult result = server.runUntilExit(Duration.ofSeconds(60));

        assertThat(result.exitCode()).as("%s", result).isNotZero();
        assertThat(result.stderrLines()).as("%s", result).anyMatch(line -> line.contains(
            "smtpserver.xml: listener submission: unknown parameter \"smtpd_tls_auth_onyl\" (did you mean \"smtpd_tls_auth_only\"?)"));
    }

    @Test
    void anUnknownTlsLevelOrAMissingCertificateStopsTheStart() {
        PosternProcess level = postern.newServer().parameter("smtpd_tls_security_level", "mandatory");
        ExitResult levelResult = level.runUntilExit(Duration.ofSeconds(60));
        assertThat(levelResult.exitCode()).as("%s", levelResult).isNotZero();
        assertThat(levelResult.stderrLines()).as("%s", levelResult).anyMatch(line -> line.contains(
            "smtpd_tls_security_level: \"mandatory\" is not one of none, may, encrypt"));

        PosternProcess cert = postern.newServer().parameter("smtpd_tls_cert_file", "/nonexistent/cert.pem");
        ExitResult certResult = cert.runUntilExit(Duration.ofSeconds(60));
        assertThat(certResult.exitCode()).as("%s", certResult).isNotZero();
        assertThat(certResult.stderrLines()).as("%s", certResult).anyMatch(line -> line.contains(
            "smtpd_tls_cert_file: cannot read /nonexistent/cert.pem"));
    }

    private static String readShipped(PosternProcess server) {
        try {
            return Files.readString(server.distribution().resolve("conf/smtpserver.xml"));
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
