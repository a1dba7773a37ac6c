package dev.postern.smtpd;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Optional;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.postern.smtpd.sasl.DovecotSasl;
import dev.postern.smtpd.sasl.SaslExchange;
import dev.postern.smtpd.sasl.SaslMechanism;
import dev.postern.smtpd.sasl.SaslPath;
import dev.postern.smtpd.sasl.SaslServer.SaslClient;
import dev.postern.smtpd.sasl.SaslStep;

/** The client of Dovecot's auth protocol against a scripted auth service on 127.0.0.1 or a unix socket. */
class DovecotSaslTest {
    private static final SaslClient CLIENT = new SaslClient(FakeSmtpSession.client("192.0.2.10").onPort(587).session());

    private final List<String> warnings = new ArrayList<>();
    private FakeDovecotAuth auth;

    @AfterEach
    void stop() throws Exception {
        if (auth != null) {
            auth.close();
        }
    }

    private DovecotSasl dovecot(String path, Path var) throws Exception {
        return new DovecotSasl(SaslPath.parse(path, var), "smtp", Duration.ofSeconds(2));
    }

    private DovecotSasl onLoopback() throws Exception {
        auth = FakeDovecotAuth.onLoopback();
        return dovecot(auth.inetPath(), Path.of("var"));
    }

    private static String base64(String text) {
        return Base64.getEncoder().encodeToString(text.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void theHandshakeGivesTheMechanismsWithTheirProperties() throws Exception {
        DovecotSasl dovecot = onLoopback();

        List<SaslMechanism> mechanisms = dovecot.mechanisms(warnings::add);

        assertThat(mechanisms).extracting(SaslMechanism::name).containsExactly("PLAIN", "LOGIN", "ANONYMOUS", "DIGEST-MD5");
        assertThat(mechanisms.get(0).has(SaslMechanism.PLAINTEXT)).isTrue();
        assertThat(mechanisms.get(2).has(SaslMechanism.ANONYMOUS)).isTrue();
        assertThat(mechanisms.get(3).flags()).containsExactlyInAnyOrder("dictionary", "active", "mutual-auth");
        List<String> received = auth.awaitReceived(2);
        assertThat(received).startsWith("VERSION\t1\t0");
        assertThat(received.get(1)).matches("CPID\t\\d+");
        assertThat(warnings).isEmpty();
    }

    @Test
    void plainWithTheRightPasswordIsOkForTheUserDovecotNames() throws Exception {
        DovecotSasl dovecot = onLoopback();

        try (SaslExchange exchange = dovecot.start("PLAIN", CLIENT)) {
            assertThat(exchange.step(Optional.of(base64("\0alice\0secret")))).isEqualTo(new SaslStep.Success("alice"));
        }
        assertThat(auth.received()).contains("AUTH\t1\tPLAIN\tservice=smtp\tnologin\tlip=127.0.0.1\trip=192.0.2.10"
            + "\tlport=587\trport=40000\tresp=" + base64("\0alice\0secret"));
    }

    @Test
    void aWrongPasswordFails() throws Exception {
        DovecotSasl dovecot = onLoopback();

        try (SaslExchange exchange = dovecot.start("PLAIN", CLIENT)) {
            assertThat(exchange.step(Optional.of(base64("\0alice\0guess"))))
                .isEqualTo(new SaslStep.Failure("authentication failure"));
        }
    }

    @Test
    void loginGoesOnWithDovecotsChallenges() throws Exception {
        DovecotSasl dovecot = onLoopback();

        try (SaslExchange exchange = dovecot.start("LOGIN", CLIENT)) {
            assertThat(exchange.step(Optional.empty())).isEqualTo(new SaslStep.Challenge("VXNlcm5hbWU6"));
            assertThat(exchange.step(Optional.of(base64("alice")))).isEqualTo(new SaslStep.Challenge("UGFzc3dvcmQ6"));
            assertThat(exchange.step(Optional.of(base64("secret")))).isEqualTo(new SaslStep.Success("alice"));
        }
        assertThat(auth.received()).contains("CONT\t1\t" + base64("alice"), "CONT\t1\t" + base64("secret"));
    }

    @Test
    void aTemporaryFailureIsAFailureWithDovecotsReason() throws Exception {
        DovecotSasl dovecot = onLoopback();
        auth.mode(FakeDovecotAuth.Mode.TEMPORARY_FAILURE);

        try (SaslExchange exchange = dovecot.start("PLAIN", CLIENT)) {
            assertThat(exchange.step(Optional.of(base64("\0alice\0secret"))))
                .isEqualTo(new SaslStep.Failure("Temporary backend failure"));
        }
    }

    @Test
    void aServerThatHangsUpOrIsGoneMakesTheServiceUnavailable() throws Exception {
        DovecotSasl dovecot = onLoopback();
        assertThat(dovecot.mechanisms(warnings::add)).isNotEmpty();
        auth.mode(FakeDovecotAuth.Mode.HANG_UP_ON_AUTH);
        try (SaslExchange exchange = dovecot.start("PLAIN", CLIENT)) {
            assertThat(exchange.step(Optional.of(base64("\0alice\0secret"))))
                .isEqualTo(new SaslStep.Unavailable("Connection lost to authentication server"));
        }

        auth.close();
        try (SaslExchange exchange = dovecot.start("PLAIN", CLIENT)) {
            assertThat(exchange.step(Optional.of(base64("\0alice\0secret"))))
                .isEqualTo(new SaslStep.Unavailable("Unable to connect to authentication server"));
        }
        assertThat(dovecot.mechanisms(warnings::add)).as("the last mechanisms Dovecot offered").isNotEmpty();
    }

    @Test
    void anUnreachableServerIsAWarningAndNoMechanisms() throws Exception {
        DovecotSasl dovecot = onLoopback();
        String path = auth.inetPath();
        auth.close();

        assertThat(dovecot(path, Path.of("var")).mechanisms(warnings::add)).isEmpty();
        assertThat(warnings).singleElement().asString()
            .startsWith("SASL: Connect to Dovecot auth socket '" + path + "' failed: ");
    }

    @Test
    void aRelativeUnixSocketIsUnderVar(@TempDir Path var) throws Exception {
        java.nio.file.Files.createDirectories(var.resolve("private"));
        auth = FakeDovecotAuth.onSocket(var.resolve("private/auth"));
        DovecotSasl dovecot = dovecot("private/auth", var);

        try (SaslExchange exchange = dovecot.start("PLAIN", CLIENT)) {
            assertThat(exchange.step(Optional.of(base64("\0alice\0secret")))).isEqualTo(new SaslStep.Success("alice"));
        }
    }
}
