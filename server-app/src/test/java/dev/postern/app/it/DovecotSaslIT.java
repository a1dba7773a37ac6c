package dev.postern.app.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import dev.postern.app.harness.DovecotAuthServer;
import dev.postern.app.harness.PosternExtension;
import dev.postern.app.harness.PosternProcess;
import dev.postern.app.harness.SmtpClient;
import dev.postern.app.harness.TestMessages;
import dev.postern.testing.smtp.SinkMessage;
import dev.postern.testing.smtp.SmtpSink;

/**
 * {@code smtpd_sasl_type = dovecot} against Debian's Dovecot, started by the test as nothing but an
 * auth service on a loopback port with a passwd-file user: AUTH PLAIN and LOGIN on the submission
 * listener succeed for that user (who is not one of Postern's) and relay, a wrong password gets
 * Postfix's 535 and warning line, and with Dovecot stopped AUTH gets 454 4.7.0. One Postern for the
 * class; the test that stops Dovecot runs last.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class DovecotSaslIT {
    private static final String H = "mx.dovecot-sasl-it.test";
    private static final String CAROL = "carol@" + H;
    private static final String PASSWORD = "dovecot pass";
    private static final String REMOTE = "friend@remote.example";
    private static final Duration WAIT = Duration.ofSeconds(30);

    @RegisterExtension
    static final PosternExtension postern = new PosternExtension();

    @TempDir
    static Path dovecotDirectory;

    private static DovecotAuthServer dovecot;
    private static SmtpSink sink;
    private static PosternProcess server;

    @BeforeAll
    static void start() {
        dovecot = new DovecotAuthServer(dovecotDirectory).user(CAROL, PASSWORD).start();
        sink = postern.newSink();
        server = postern.newServer().myhostname(H).relayhost(sink)
            .parameter("smtpd_sasl_type", "dovecot")
            .parameter("smtpd_sasl_path", dovecot.saslPath())
            .parameter("smtpd_sasl_authenticated_header", "yes")
            .start();
    }

    @AfterAll
    static void stopDovecot() {
        if (dovecot != null) {
            dovecot.close();
        }
    }

    /** A submission session after STARTTLS and the second EHLO, whose AUTH line is returned through the check. */
    private static SmtpClient submission() {
        SmtpClient client = SmtpClient.connect(server.submissionPort());
        client.ehlo("laptop.example");
        assertThat(client.starttls().code()).isEqualTo(220);
        assertThat(client.ehlo("laptop.example").textLines()).as("Dovecot's mechanisms").contains("AUTH PLAIN LOGIN");
        return client;
    }

    @Test
    @Order(1)
    void plainAndLoginSucceedForDovecotsUserAndRelay() {
        try (SmtpClient client = submission()) {
            assertThat(client.authPlain(CAROL, PASSWORD).full()).isEqualTo("235 2.7.0 Authentication successful");
            assertThat(client.sendMail(CAROL, REMOTE, TestMessages.withToken(CAROL, REMOTE, "dovecot-plain", "hello"))
                .code()).isEqualTo(250);
        }
        try (SmtpClient client = submission()) {
            assertThat(client.authLogin(CAROL, PASSWORD).full()).isEqualTo("235 2.7.0 Authentication successful");
            assertThat(client.sendMail(CAROL, REMOTE, TestMessages.withToken(CAROL, REMOTE, "dovecot-login", "hello"))
                .code()).isEqualTo(250);
        }

        List<SinkMessage> plain = TestMessages.awaitToken(sink, "dovecot-plain", WAIT);
        assertThat(plain.get(0).recipients()).containsExactly(REMOTE);
        assertThat(plain.get(0).headerValues("Received").get(0))
            .as("smtpd_sasl_authenticated_header = yes").contains("(Authenticated sender: " + CAROL + ")");
        assertThat(TestMessages.awaitToken(sink, "dovecot-login", WAIT).get(0).sender()).isEqualTo(CAROL);
        server.awaitMaillogLine("the client line with Dovecot's login", WAIT, line -> line.contains(
            "postern/submission/smtpd[") && line.endsWith(
            ": client=localhost[127.0.0.1], sasl_method=PLAIN, sasl_username=" + CAROL));
        server.awaitMaillogLine("the client line of the LOGIN session", WAIT, line -> line.contains(
            "postern/submission/smtpd[") && line.endsWith(
            ": client=localhost[127.0.0.1], sasl_method=LOGIN, sasl_username=" + CAROL));
    }

    @Test
    @Order(2)
    void aWrongPasswordGetsPostfixsRefusalAndWarning() {
        try (SmtpClient client = submission()) {
            assertThat(client.authPlain(CAROL, "guess").full())
                .isEqualTo("535 5.7.8 Error: authentication failed: authentication failure");
            assertThat(client.mailFrom(CAROL).code()).isEqualTo(250);
            assertThat(client.rcptTo(REMOTE).code()).as("no relay without a login").isEqualTo(554);
        }
        server.awaitMaillogLine("the failed AUTH warning", WAIT, line -> line.contains("postern/submission/smtpd[")
            && line.endsWith("warning: localhost[127.0.0.1]: SASL PLAIN authentication failed: authentication failure"));
    }

    @Test
    @Order(3)
    void withDovecotStoppedAuthIsATemporaryFailure() {
        dovecot.close();

        try (SmtpClient client = submission()) {
            assertThat(client.authPlain(CAROL, PASSWORD).full())
                .isEqualTo("454 4.7.0 Temporary authentication failure: Unable to connect to authentication server");
        }
    }
}
