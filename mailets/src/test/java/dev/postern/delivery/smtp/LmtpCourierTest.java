package dev.postern.delivery.smtp;

import static dev.postern.delivery.smtp.Fixtures.delivery;
import static dev.postern.delivery.smtp.Fixtures.mail;
import static dev.postern.delivery.smtp.Fixtures.parameters;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.postern.delivery.RecipientResult;
import dev.postern.delivery.RecipientResult.Status;
import dev.postern.delivery.smtp.Fixtures.FakeDns;
import dev.postern.dns.DnsType;
import dev.postern.testing.smtp.SmtpSink;

class LmtpCourierTest {
    @TempDir
    Path directory;

    @Test
    void eachAcceptedRecipientGetsItsOwnReplyAfterTheMessage() throws Exception {
        try (SmtpSink server = new SmtpSink().speakLmtp().start();
             LmtpCourier courier = LmtpCourier.create(parameters(), new FakeDns(), Clock.systemUTC())) {
            server.setRcptReply(rcpt -> rcpt.equals("b@example.com")
                ? "550 5.1.1 <b@example.com> User doesn't exist: b@example.com" : "250 2.1.5 Ok");
            server.setRecipientDataReply(rcpt -> rcpt.equals("c@example.com")
                ? "452 4.2.2 <c@example.com> Quota exceeded" : "250 2.0.0 <" + rcpt + "> Saved");

            List<RecipientResult> results = courier.deliver(delivery(mail("a@example.com", "b@example.com", "c@example.com"),
                "lmtp:" + server.relayhost()));

            assertThat(results).extracting(RecipientResult::status).containsExactly(Status.SENT, Status.BOUNCED, Status.DEFERRED);
            assertThat(results.get(0).text()).isEqualTo("250 2.0.0 <a@example.com> Saved");
            assertThat(results.get(2).text()).isEqualTo("host 127.0.0.1[127.0.0.1] said: 452 4.2.2 <c@example.com> Quota"
                + " exceeded (in reply to end of DATA command)");
            assertThat(results.get(2).dsn()).isEqualTo("4.2.2");
            assertThat(results).extracting(RecipientResult::relay).containsOnly("127.0.0.1[127.0.0.1]:" + server.port());
            server.awaitIdle();
            assertThat(server.connection(0).lines()).startsWith("LHLO client.test").doesNotContain("EHLO client.test");
        }
    }

    @Test
    void deliversOverAUnixDomainSocket() throws Exception {
        Path socket = directory.resolve("lmtp");
        try (SmtpSink server = SmtpSink.onUnixSocket(socket).speakLmtp().start();
             LmtpCourier courier = LmtpCourier.create(parameters(), new FakeDns(), Clock.systemUTC())) {
            server.setRecipientDataReply(rcpt -> "250 2.0.0 <" + rcpt + "> Saved");

            List<RecipientResult> results = courier.deliver(delivery(mail("a@example.com", "b@example.com"),
                "lmtp:unix:" + socket));

            assertThat(results).extracting(RecipientResult::text)
                .containsExactly("250 2.0.0 <a@example.com> Saved", "250 2.0.0 <b@example.com> Saved");
            assertThat(results).extracting(RecipientResult::relay).containsOnly("client.test[" + socket + "]");
            server.awaitIdle();
            assertThat(server.connection(0).message(0)).endsWith("\r\nHello\r\n");
        }
    }

    @Test
    void aMissingSocketDefers() throws Exception {
        Path socket = directory.resolve("absent");
        try (LmtpCourier courier = LmtpCourier.create(parameters(), new FakeDns(), Clock.systemUTC())) {
            List<RecipientResult> results = courier.deliver(delivery(mail("a@example.com"), "lmtp:unix:" + socket));

            assertThat(results).singleElement().satisfies(r -> {
                assertThat(r.status()).isEqualTo(Status.DEFERRED);
                assertThat(r.dsn()).isEqualTo("4.4.1");
                assertThat(r.text()).startsWith("connect to " + socket + ": ");
                assertThat(r.relay()).isEqualTo("none");
            });
        }
        assertThat(Files.exists(socket)).isFalse();
    }

    @Test
    void hostNamesAreResolvedWithoutMx() throws Exception {
        FakeDns dns = new FakeDns().with("mailstore.test", DnsType.A, "127.0.0.1")
            .with("mailstore.test", DnsType.MX, "elsewhere.test");
        try (SmtpSink server = new SmtpSink().speakLmtp().start();
             LmtpCourier courier = LmtpCourier.create(parameters(), dns, Clock.systemUTC())) {
            List<RecipientResult> results = courier.deliver(delivery(mail("a@example.com"),
                "lmtp:mailstore.test:" + server.port()));

            assertThat(results).singleElement().extracting(RecipientResult::relay)
                .isEqualTo("mailstore.test[127.0.0.1]:" + server.port());
            assertThat(dns.asked).doesNotContain("mailstore.test MX");
        }
    }
}
