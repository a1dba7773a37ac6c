package dev.postern.delivery.smtp;

import static dev.postern.delivery.smtp.Fixtures.delivery;
import static dev.postern.delivery.smtp.Fixtures.mail;
import static dev.postern.delivery.smtp.Fixtures.parameters;
import static dev.postern.delivery.smtp.Fixtures.rawMail;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.postern.testing.net.ClosedPort;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

import org.apache.james.core.MailAddress;
import org.apache.mailet.DsnParameters;
import org.apache.mailet.Mail;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import dev.postern.delivery.RecipientResult;
import dev.postern.delivery.RecipientResult.Status;
import dev.postern.delivery.smtp.Fixtures.FakeDns;
import dev.postern.delivery.smtp.Fixtures.MapTable;
import dev.postern.dns.DnsAnswer;
import dev.postern.dns.DnsType;
import dev.postern.tables.LookupTable;
import dev.postern.testing.smtp.SinkTranscript;
import dev.postern.testing.smtp.SmtpSink;

class SmtpCourierTest {
    @TempDir
    static Path certificates;
    static TestCertificates server;
    static TestCertificates stranger;

    private final List<AutoCloseable> closeable = new ArrayList<>();
    private SmtpSink mx;
    private FakeDns dns;

    @BeforeAll
    static void makeCertificates() throws Exception {
        server = TestCertificates.create(certificates, "server");
        stranger = TestCertificates.create(certificates, "stranger");
    }

    @BeforeEach
    void startServer() throws Exception {
        mx = track(new SmtpSink().start());
        dns = new FakeDns();
    }

    @AfterEach
    void stop() throws Exception {
        for (AutoCloseable c : closeable) {
            c.close();
        }
    }

    private <T extends AutoCloseable> T track(T c) {
        closeable.add(0, c);
        return c;
    }

    private SmtpCourier courier(String... mainCf) throws Exception {
        return courier(name -> {
            throw new IllegalArgumentException("no table " + name);
        }, mainCf);
    }

    private SmtpCourier courier(Function<String, LookupTable> tables, String... mainCf) throws Exception {
        return track(SmtpCourier.create(parameters(mainCf), dns, tables, Clock.systemUTC()));
    }

    private String peer() {
        return "127.0.0.1[127.0.0.1]";
    }

    @Test
    void sendsAndReportsTheServersFullReply() throws Exception {
        mx.setDataReply("250 2.0.0 Ok: queued as 4ABC123");
        Mail mail = mail("a@example.com");
        List<RecipientResult> results = courier().deliver(delivery(mail, "smtp:" + mx.relayhost()));

        assertThat(results).singleElement().satisfies(r -> {
            assertThat(r.status()).isEqualTo(Status.SENT);
            assertThat(r.dsn()).isEqualTo("2.0.0");
            assertThat(r.text()).isEqualTo("250 2.0.0 Ok: queued as 4ABC123");
            assertThat(r.relay()).isEqualTo(peer() + ":" + mx.port());
        });
        mx.awaitIdle();
        SinkTranscript received = mx.connection(0);
        assertThat(received.lines()).startsWith("EHLO client.test");
        assertThat(received.lines()).contains("MAIL FROM:<sender@example.org> SIZE=" + received.messages().get(0).length,
            "RCPT TO:<a@example.com>", "DATA");
        assertThat(received.message(0)).contains("Subject: test\r\n").endsWith("\r\nHello\r\n");
    }

    @Test
    void aProbeStopsAfterRcptToAndReportsEachRecipientsReply() throws Exception {
        mx.setRcptReply(rcpt -> rcpt.equals("c@example.com")
            ? "550 5.1.1 <c@example.com>: Recipient address rejected: User unknown" : "250 2.1.5 Ok");
        Mail mail = mail("a@example.com", "c@example.com");
        mail.setAttribute(new org.apache.mailet.Attribute(dev.postern.queue.MailAttributes.ADDRESS_PROBE,
            org.apache.mailet.AttributeValue.of(true)));

        List<RecipientResult> results = courier().deliver(delivery(mail, "smtp:" + mx.relayhost()));

        assertThat(results).extracting(RecipientResult::status).containsExactly(Status.SENT, Status.BOUNCED);
        assertThat(results.get(0).text()).isEqualTo("250 2.1.5 Ok");
        assertThat(results.get(1).text()).isEqualTo("host " + peer() + " said: 550 5.1.1 <c@example.com>: Recipient address"
            + " rejected: User unknown (in reply to RCPT TO command)");
        mx.awaitIdle();
        assertThat(mx.messageCount()).isZero();
        assertThat(mx.connection(0).lines()).contains("RCPT TO:<a@example.com>", "RCPT TO:<c@example.com>", "RSET")
            .doesNotContain("DATA");
    }

    @Test
    void eachRecipientGetsItsOwnReply() throws Exception {
        mx.setRcptReply(rcpt -> switch (rcpt) {
            case "b@example.com" -> "450 4.2.0 <b@example.com>: Recipient address rejected: Mailbox busy";
            case "c@example.com" -> "550 5.1.1 <c@example.com>: Recipient address rejected: User unknown";
            default -> "250 2.1.5 Ok";
        });
        List<RecipientResult> results = courier().deliver(delivery(mail("a@example.com", "b@example.com", "c@example.com"),
            "smtp:" + mx.relayhost()));

        assertThat(results).extracting(RecipientResult::status).containsExactly(Status.SENT, Status.DEFERRED, Status.BOUNCED);
        assertThat(results).extracting(RecipientResult::dsn).containsExactly("2.0.0", "4.2.0", "5.1.1");
        assertThat(results.get(2).text()).isEqualTo("host " + peer() + " said: 550 5.1.1 <c@example.com>: Recipient address"
            + " rejected: User unknown (in reply to RCPT TO command)");
        assertThat(results.get(2).remoteMta()).contains("127.0.0.1");
        assertThat(results.get(2).diagnostic()).contains("smtp; 550 5.1.1 <c@example.com>: Recipient address rejected:"
            + " User unknown");
        mx.awaitIdle();
        assertThat(mx.connection(0).messages()).hasSize(1);
    }

    @Test
    void pipelinesMailRcptAndDataInOneWriteWhenOffered() throws Exception {
        List<RecipientResult> results = courier().deliver(delivery(mail("a@example.com", "b@example.com"),
            "smtp:" + mx.relayhost()));

        assertThat(results).extracting(RecipientResult::status).containsExactly(Status.SENT, Status.SENT);
        mx.awaitIdle();
        assertThat(mx.connection(0).commandGroups()).contains(List.of("MAIL FROM:<sender@example.org> SIZE="
            + mx.connection(0).messages().get(0).length, "RCPT TO:<a@example.com>", "RCPT TO:<b@example.com>", "DATA"));
    }

    @Test
    void aRecipientRejectedInThePipelinedGroupGetsItsOwnReplyAndTheOthersTheirs() throws Exception {
        mx.setRcptReply(rcpt -> rcpt.equals("b@example.com")
            ? "550 5.1.1 <b@example.com>: Recipient address rejected: User unknown" : "250 2.1.5 Ok");
        List<RecipientResult> results = courier().deliver(delivery(mail("a@example.com", "b@example.com", "c@example.com"),
            "smtp:" + mx.relayhost()));

        assertThat(results).extracting(RecipientResult::status).containsExactly(Status.SENT, Status.BOUNCED, Status.SENT);
        assertThat(results.get(1).text()).isEqualTo("host " + peer() + " said: 550 5.1.1 <b@example.com>: Recipient"
            + " address rejected: User unknown (in reply to RCPT TO command)");
        assertThat(mx.awaitMessages(1, java.time.Duration.ofSeconds(5))).singleElement()
            .satisfies(m -> assertThat(m.recipients()).containsExactly("a@example.com", "c@example.com"));
        mx.awaitIdle();
        assertThat(mx.connection(0).commandGroups()).anySatisfy(group -> assertThat(group)
            .containsExactly(group.get(0), "RCPT TO:<a@example.com>", "RCPT TO:<b@example.com>", "RCPT TO:<c@example.com>",
                "DATA"));
    }

    @Test
    void withoutPipeliningEachCommandWaitsForItsReply() throws Exception {
        mx.setEhloKeywords("8BITMIME", "SIZE 0");
        mx.setRcptReply(rcpt -> rcpt.equals("b@example.com") ? "550 5.1.1 User unknown" : "250 2.1.5 Ok");
        List<RecipientResult> results = courier().deliver(delivery(mail("a@example.com", "b@example.com"),
            "smtp:" + mx.relayhost()));

        assertThat(results).extracting(RecipientResult::status).containsExactly(Status.SENT, Status.BOUNCED);
        mx.awaitIdle();
        assertThat(mx.connection(0).commandGroups()).allSatisfy(group -> assertThat(group).hasSize(1));
        assertThat(mx.connection(0).lines()).containsSubsequence("MAIL FROM:<sender@example.org> SIZE="
            + mx.connection(0).messages().get(0).length, "RCPT TO:<a@example.com>", "RCPT TO:<b@example.com>", "DATA");
    }

    @Test
    void aRefusedSenderInAPipelinedGroupBouncesEveryRecipientAndTheSessionStaysInStep() throws Exception {
        SmtpCourier courier = courier("smtp_connection_cache_time_limit = 10s");
        mx.setMailReply("553 5.7.1 <sender@example.org>: Sender address rejected: not owned");
        List<RecipientResult> refused = courier.deliver(delivery(mail("a@example.com", "b@example.com"),
            "smtp:" + mx.relayhost()));
        mx.resetReplies();
        List<RecipientResult> next = courier.deliver(delivery(mail("c@example.com"), "smtp:" + mx.relayhost()));

        assertThat(refused).allSatisfy(r -> {
            assertThat(r.status()).isEqualTo(Status.BOUNCED);
            assertThat(r.text()).endsWith("(in reply to MAIL FROM command)");
        });
        assertThat(next).singleElement().satisfies(r -> {
            assertThat(r.status()).isEqualTo(Status.SENT);
            assertThat(r.text()).startsWith("250 2.0.0 Ok: queued as SINK");
        });
        assertThat(mx.connections()).hasSize(1);
        assertThat(mx.messages()).singleElement().satisfies(m -> assertThat(m.recipients()).containsExactly("c@example.com"));
    }

    @Test
    void aRefusedSenderBouncesEveryRecipientWithoutRcptWhenNotPipelining() throws Exception {
        mx.setEhloKeywords("8BITMIME", "SIZE 0");
        mx.setMailReply("553 5.7.1 <sender@example.org>: Sender address rejected: not owned");
        List<RecipientResult> results = courier().deliver(delivery(mail("a@example.com", "b@example.com"), "smtp:" + mx.relayhost()));

        assertThat(results).allSatisfy(r -> {
            assertThat(r.status()).isEqualTo(Status.BOUNCED);
            assertThat(r.dsn()).isEqualTo("5.7.1");
            assertThat(r.text()).endsWith("(in reply to MAIL FROM command)");
        });
        mx.awaitIdle();
        assertThat(mx.connection(0).lines()).noneMatch(l -> l.startsWith("RCPT"));
    }

    @Test
    void aTemporaryDataReplyDefers() throws Exception {
        mx.setReply("DATA", "451 4.3.0 Error: queue file write error");
        List<RecipientResult> results = courier().deliver(delivery(mail("a@example.com"), "smtp:" + mx.relayhost()));

        assertThat(results).singleElement().satisfies(r -> {
            assertThat(r.status()).isEqualTo(Status.DEFERRED);
            assertThat(r.dsn()).isEqualTo("4.3.0");
            assertThat(r.text()).isEqualTo("host " + peer() + " said: 451 4.3.0 Error: queue file write error"
                + " (in reply to DATA command)");
        });
    }

    @Test
    void aRejectedMessageBouncesAtEndOfData() throws Exception {
        mx.setDataReply("554 5.7.1 Spam message rejected");
        List<RecipientResult> results = courier().deliver(delivery(mail("a@example.com"), "smtp:" + mx.relayhost()));

        assertThat(results).singleElement().satisfies(r -> {
            assertThat(r.status()).isEqualTo(Status.BOUNCED);
            assertThat(r.text()).endsWith("554 5.7.1 Spam message rejected (in reply to end of DATA command)");
        });
    }

    @Test
    void aReplyWithoutEnhancedCodeGetsTheClassDefault() throws Exception {
        mx.setRcptReply("550 no such user");
        List<RecipientResult> results = courier().deliver(delivery(mail("a@example.com"), "smtp:" + mx.relayhost()));

        assertThat(results).singleElement().extracting(RecipientResult::dsn).isEqualTo("5.0.0");
    }

    @Test
    void fallsBackToHeloWhenEhloIsRefused() throws Exception {
        mx.setReply("EHLO", "502 5.5.2 Error: command not recognized");
        List<RecipientResult> results = courier().deliver(delivery(mail("a@example.com"), "smtp:" + mx.relayhost()));

        assertThat(results).singleElement().extracting(RecipientResult::status).isEqualTo(Status.SENT);
        mx.awaitIdle();
        assertThat(mx.connection(0).lines()).containsSubsequence("EHLO client.test", "HELO client.test",
            "MAIL FROM:<sender@example.org>");
    }

    @Test
    void aRefusedGreetingMovesOnToTheNextHop() throws Exception {
        SmtpSink second = track(new SmtpSink().start());
        mx.setGreeting("421 4.3.2 Service shutting down");
        List<RecipientResult> results = courier().deliver(delivery(mail("a@example.com"),
            "smtp:" + mx.relayhost() + ", " + second.relayhost()));

        assertThat(results).singleElement().satisfies(r -> {
            assertThat(r.status()).isEqualTo(Status.SENT);
            assertThat(r.relay()).isEqualTo(peer() + ":" + second.port());
        });
        mx.awaitIdle();
        assertThat(mx.connection(0).lines()).noneMatch(l -> l.startsWith("MAIL"));
    }

    @Test
    void aServerOnPort25ThatAnswersEhloWithMyHostnameIsALoopAndTheMailWaits() throws Exception {
        // the same name as this client's myhostname (Fixtures: client.test): this server behind a NAT
        SmtpSink self = track(new SmtpSink("127.0.0.77", 25, "client.test").start());

        List<RecipientResult> results = courier().deliver(delivery(mail("a@example.com"), "smtp:[127.0.0.77]"));

        assertThat(results).singleElement().satisfies(r -> {
            assertThat(r.status()).isEqualTo(Status.DEFERRED);
            assertThat(r.dsn()).isEqualTo("4.4.6");
            assertThat(r.text()).isEqualTo("mail for [127.0.0.77] loops back to myself");
        });
        self.awaitIdle();
        assertThat(self.connection(0).lines()).noneMatch(l -> l.startsWith("MAIL"));
    }

    @Test
    void anotherPortWithMyHostnameIsAnotherServiceAndGetsTheMail() throws Exception {
        SmtpSink filter = track(new SmtpSink("127.0.0.77", 0, "client.test").start());

        List<RecipientResult> results = courier().deliver(delivery(mail("a@example.com"), "smtp:" + filter.relayhost()));

        assertThat(results).singleElement().extracting(RecipientResult::status).isEqualTo(Status.SENT);
    }

    @Test
    void aRefusedGreetingFromTheLastServerDefers() throws Exception {
        mx.setGreeting("554 5.3.2 Go away");
        List<RecipientResult> results = courier().deliver(delivery(mail("a@example.com"), "smtp:" + mx.relayhost()));

        assertThat(results).singleElement().satisfies(r -> {
            assertThat(r.status()).isEqualTo(Status.DEFERRED);
            assertThat(r.dsn()).isEqualTo("4.3.2");
            assertThat(r.text()).isEqualTo("host " + peer() + " refused to talk to me: 554 5.3.2 Go away");
            assertThat(r.relay()).isEqualTo(peer() + ":" + mx.port());
        });
    }

    @Test
    void aRefusedConnectionMovesOnAndDefersWhenEveryServerFails() throws Exception {
        // bound, never listening: a just-closed ephemeral port could be given to the connection as its own source
        try (ClosedPort firstPort = new ClosedPort(); ClosedPort secondPort = new ClosedPort()) {
            refusedTwiceThenFallback(firstPort.port(), secondPort.port());
        }
    }

    private void refusedTwiceThenFallback(int first, int second) throws Exception {
        List<RecipientResult> results = courier().deliver(delivery(mail("a@example.com"),
            "smtp:[127.0.0.1]:" + first + ",[127.0.0.1]:" + second));

        assertThat(results).singleElement().satisfies(r -> {
            assertThat(r.status()).isEqualTo(Status.DEFERRED);
            assertThat(r.dsn()).isEqualTo("4.4.1");
            assertThat(r.text()).isEqualTo("connect to " + peer() + ":" + second + ": Connection refused");
            assertThat(r.relay()).isEqualTo("none");
        });

        List<RecipientResult> fallback = courier().deliver(delivery(mail("a@example.com"),
            "smtp:[127.0.0.1]:" + first + " " + mx.relayhost()));
        assertThat(fallback).singleElement().extracting(RecipientResult::status).isEqualTo(Status.SENT);
    }

    @Test
    void aSilentServerTimesOut() throws Exception {
        mx.setSilent(true);
        List<RecipientResult> results = courier("smtp_helo_timeout = 1s").deliver(delivery(mail("a@example.com"),
            "smtp:" + mx.relayhost()));

        assertThat(results).singleElement().satisfies(r -> {
            assertThat(r.status()).isEqualTo(Status.DEFERRED);
            assertThat(r.dsn()).isEqualTo("4.4.2");
            assertThat(r.text()).isEqualTo("conversation with " + peer() + " timed out while receiving the initial"
                + " server greeting");
        });
    }

    @Test
    void aConnectionLostAfterTheMessageMayBeSentTwice() throws Exception {
        mx.setDropAtEndOfData(true);
        List<RecipientResult> results = courier().deliver(delivery(mail("a@example.com"), "smtp:" + mx.relayhost()));

        assertThat(results).singleElement().satisfies(r -> {
            assertThat(r.status()).isEqualTo(Status.DEFERRED);
            assertThat(r.dsn()).isEqualTo("4.4.2");
            assertThat(r.text()).isEqualTo("lost connection with " + peer() + " while sending end of data -- message may be"
                + " sent more than once");
        });
    }

    @Test
    void aWriteThatStallsTimesOut() throws Exception {
        mx.setStallInData(true);
        // Larger than what the kernel's socket buffers can absorb, so a write blocks.
        String body = ("x".repeat(998) + "\r\n").repeat(32 * 1024);
        List<RecipientResult> results = courier("smtp_data_xfer_timeout = 1s").deliver(delivery(
            rawMail("sender@example.org", "Subject: big\r\n\r\n" + body, "a@example.com"), "smtp:" + mx.relayhost()));

        assertThat(results).singleElement().satisfies(r -> {
            assertThat(r.status()).isEqualTo(Status.DEFERRED);
            assertThat(r.dsn()).isEqualTo("4.4.2");
            assertThat(r.text()).isEqualTo("conversation with " + peer() + " timed out while sending message body");
        });
    }

    @Test
    void linesAreDotStuffedAndEndInCrLf() throws Exception {
        Mail mail = rawMail("sender@example.org", "Subject: dots\n\n.leading dot\nplain\r\n..two\n.\nbare\rcr\nlast",
            "a@example.com");
        courier().deliver(delivery(mail, "smtp:" + mx.relayhost()));

        mx.awaitIdle();
        String wire = mx.connection(0).message(0);
        // a bare CR is no line end (it would be one the header and body checks never saw): it becomes a space
        assertThat(wire).contains("\r\n..leading dot\r\nplain\r\n...two\r\n..\r\nbare cr\r\nlast\r\n");
        assertThat(wire.replace("\r\n", "")).doesNotContain("\n").doesNotContain("\r");
    }

    @Test
    void eightBitContentAsksFor8BitMimeWhenOffered() throws Exception {
        Mail mail = rawMail("sender@example.org", "Subject: x\r\n\r\ncaf\u00e9\r\n", "a@example.com");
        courier().deliver(delivery(mail, "smtp:" + mx.relayhost()));
        mx.awaitIdle();
        assertThat(mx.connection(0).lines()).anyMatch(l -> l.startsWith("MAIL FROM:<sender@example.org>")
            && l.endsWith(" BODY=8BITMIME"));

        mx.setEhloKeywords("SIZE");
        List<RecipientResult> results = courier().deliver(delivery(rawMail("sender@example.org", "Subject: x\r\n\r\ncaf\u00e9\r\n",
            "a@example.com"), "smtp:" + mx.relayhost()));
        assertThat(results).singleElement().extracting(RecipientResult::status).isEqualTo(Status.SENT);
        mx.awaitIdle();
        assertThat(mx.connection(1).lines()).anyMatch(l -> l.startsWith("MAIL FROM:") && !l.contains("BODY="));
    }

    @Test
    void dsnParametersGoOnlyToServersThatOfferDsn() throws Exception {
        MailAddress recipient = new MailAddress("a@example.com");
        Mail mail = mail("a@example.com");
        mail.setDsnParameters(DsnParameters.builder().ret(DsnParameters.Ret.HDRS).envId(DsnParameters.EnvId.of("QID+2B1"))
            .addRcptParameter(recipient, DsnParameters.RecipientDsnParameters.of(
                EnumSet.of(DsnParameters.Notify.SUCCESS, DsnParameters.Notify.FAILURE), new MailAddress("orig@example.com")))
            .build().orElseThrow());
        courier().deliver(delivery(mail, "smtp:" + mx.relayhost()));
        mx.awaitIdle();
        assertThat(mx.connection(0).lines()).contains("RCPT TO:<a@example.com>")
            .noneMatch(l -> l.contains("RET=") || l.contains("NOTIFY="));

        mx.setEhloKeywords("DSN");
        courier().deliver(delivery(mail, "smtp:" + mx.relayhost()));
        mx.awaitIdle();
        assertThat(mx.connection(1).lines()).contains("MAIL FROM:<sender@example.org> RET=HDRS ENVID=QID+2B1",
            "RCPT TO:<a@example.com> NOTIFY=SUCCESS,FAILURE ORCPT=rfc822;orig@example.com");
    }

    @Test
    void levelMayStartsTlsWhenOffered() throws Exception {
        mx.setEhloKeywords("STARTTLS");
        mx.setStartTls(server.serverContext());
        List<RecipientResult> results = courier("smtp_tls_security_level = may").deliver(delivery(mail("a@example.com"),
            "smtp:" + mx.relayhost()));

        assertThat(results).singleElement().extracting(RecipientResult::status).isEqualTo(Status.SENT);
        mx.awaitIdle();
        assertThat(mx.connection(0).tls()).isTrue();
        assertThat(mx.connection(0).lines()).containsSubsequence("EHLO client.test", "STARTTLS", "EHLO client.test", "MAIL FROM:<sender@example.org>");
    }

    @Test
    void levelMaySendsInPlainTextWhenTlsIsNotOffered() throws Exception {
        List<RecipientResult> results = courier("smtp_tls_security_level = may").deliver(delivery(mail("a@example.com"),
            "smtp:" + mx.relayhost()));

        assertThat(results).singleElement().extracting(RecipientResult::status).isEqualTo(Status.SENT);
        mx.awaitIdle();
        assertThat(mx.connection(0).tls()).isFalse();
        assertThat(mx.connection(0).lines()).doesNotContain("STARTTLS");
    }

    @Test
    void levelMayRetriesInPlainTextAfterAFailedHandshake() throws Exception {
        mx.setEhloKeywords("STARTTLS");
        mx.setBrokenStartTls(true);
        List<RecipientResult> results = courier("smtp_tls_security_level = may").deliver(delivery(mail("a@example.com"),
            "smtp:" + mx.relayhost()));

        assertThat(results).singleElement().extracting(RecipientResult::status).isEqualTo(Status.SENT);
        mx.awaitIdle();
        assertThat(mx.connections()).hasSize(2);
        assertThat(mx.connection(1).lines()).doesNotContain("STARTTLS").contains("RCPT TO:<a@example.com>");
    }

    /** dane without DNSSEC-validated TLSA records is opportunistic, as Postfix's is: TLS when offered, any certificate ... */
    @Test
    void levelDaneStartsTlsWhenOfferedWithAnyCertificate() throws Exception {
        mx.setEhloKeywords("STARTTLS");
        mx.setStartTls(server.serverContext());
        List<RecipientResult> results = courier("smtp_tls_security_level = dane").deliver(delivery(mail("a@example.com"),
            "smtp:" + mx.relayhost()));

        assertThat(results).singleElement().extracting(RecipientResult::status).isEqualTo(Status.SENT);
        mx.awaitIdle();
        assertThat(mx.connection(0).tls()).isTrue();
    }

    /** ... and plain text after a failed handshake, like may. */
    @Test
    void levelDaneRetriesInPlainTextAfterAFailedHandshake() throws Exception {
        mx.setEhloKeywords("STARTTLS");
        mx.setBrokenStartTls(true);
        List<RecipientResult> results = courier("smtp_tls_security_level = DANE").deliver(delivery(mail("a@example.com"),
            "smtp:" + mx.relayhost()));

        assertThat(results).singleElement().extracting(RecipientResult::status).isEqualTo(Status.SENT);
        mx.awaitIdle();
        assertThat(mx.connections()).hasSize(2);
    }

    /** dane-only cannot authenticate a server yet: deferred before any connection, never sent. */
    @ParameterizedTest
    @ValueSource(strings = {"dane-only"})
    void levelsThatCannotAuthenticateYetDeferWithoutConnecting(String level) throws Exception {
        mx.setEhloKeywords("STARTTLS");
        mx.setStartTls(server.serverContext());
        List<RecipientResult> results = courier("smtp_tls_security_level = " + level).deliver(delivery(mail("a@example.com"),
            "smtp:" + mx.relayhost()));

        assertThat(results).singleElement().satisfies(r -> {
            assertThat(r.status()).isEqualTo(Status.DEFERRED);
            assertThat(r.dsn()).isEqualTo("4.7.5");
            assertThat(r.text()).startsWith("TLS security level " + level + ": ").contains("deferred");
        });
        assertThat(mx.connections()).isEmpty();
    }

    @Test
    void anUnknownLevelNamesTheParameterAndTheLevelsThereAre() {
        assertThatThrownBy(() -> courier("smtp_tls_security_level = paranoid"))
            .isInstanceOf(IllegalArgumentException.class)
            .hasMessage("smtp_tls_security_level: unknown TLS security level \"paranoid\" (expected none, may, dane,"
                + " dane-only, fingerprint, encrypt, verify or secure)");
    }

    @Test
    void levelEncryptDefersWhenTlsIsNotOffered() throws Exception {
        List<RecipientResult> results = courier("smtp_tls_security_level = encrypt").deliver(delivery(mail("a@example.com"),
            "smtp:" + mx.relayhost()));

        assertThat(results).singleElement().satisfies(r -> {
            assertThat(r.status()).isEqualTo(Status.DEFERRED);
            assertThat(r.dsn()).isEqualTo("4.7.4");
            assertThat(r.text()).isEqualTo("TLS is required, but was not offered by host " + peer());
        });
        mx.awaitIdle();
        assertThat(mx.connection(0).lines()).noneMatch(l -> l.startsWith("MAIL"));
    }

    @Test
    void levelEncryptAcceptsAnyCertificate() throws Exception {
        mx.setEhloKeywords("STARTTLS");
        mx.setStartTls(server.serverContext());
        List<RecipientResult> results = courier("smtp_tls_security_level = encrypt").deliver(delivery(mail("a@example.com"),
            "smtp:" + mx.relayhost()));

        assertThat(results).singleElement().extracting(RecipientResult::status).isEqualTo(Status.SENT);
    }

    @Test
    void levelVerifyChecksTheChainAndTheHostName() throws Exception {
        mx.setEhloKeywords("STARTTLS");
        mx.setStartTls(server.serverContext());
        dns.with("localhost", DnsType.A, "127.0.0.1").with("mx.wrong.test", DnsType.A, "127.0.0.1");

        List<RecipientResult> trusted = courier("smtp_tls_security_level = verify", "smtp_tls_CAfile = " + server.pem)
            .deliver(delivery(mail("a@example.com"), "smtp:[localhost]:" + mx.port()));
        assertThat(trusted).singleElement().extracting(RecipientResult::status).isEqualTo(Status.SENT);

        List<RecipientResult> untrusted = courier("smtp_tls_security_level = verify", "smtp_tls_CAfile = " + stranger.pem)
            .deliver(delivery(mail("a@example.com"), "smtp:[localhost]:" + mx.port()));
        assertThat(untrusted).singleElement().satisfies(r -> {
            assertThat(r.status()).isEqualTo(Status.DEFERRED);
            assertThat(r.dsn()).isEqualTo("4.7.5");
            assertThat(r.text()).startsWith("Server certificate not trusted: host localhost[127.0.0.1]");
        });

        List<RecipientResult> wrongName = courier("smtp_tls_security_level = secure", "smtp_tls_CAfile = " + server.pem)
            .deliver(delivery(mail("a@example.com"), "smtp:[mx.wrong.test]:" + mx.port()));
        assertThat(wrongName).singleElement().satisfies(r -> {
            assertThat(r.status()).isEqualTo(Status.DEFERRED);
            assertThat(r.dsn()).isEqualTo("4.7.5");
        });
        mx.awaitIdle();
        assertThat(mx.connections()).filteredOn(c -> c.lines().stream().anyMatch(l -> l.startsWith("MAIL"))).hasSize(1);
    }

    @Test
    void authenticatesWithPlainUsingTheNextHopAsWritten() throws Exception {
        mx.setEhloKeywords("AUTH LOGIN PLAIN");
        mx.setAuthAccepts("relayuser:s3cret:x");
        MapTable table = new MapTable(Map.of("[127.0.0.1]:" + mx.port(), "relayuser:s3cret:x"));
        List<RecipientResult> results = courier(name -> table, "smtp_sasl_auth_enable = yes",
            "smtp_sasl_password_maps = hash:/etc/postfix/sasl_passwd")
            .deliver(delivery(mail("a@example.com"), "relay:" + mx.relayhost()));

        assertThat(results).singleElement().extracting(RecipientResult::status).isEqualTo(Status.SENT);
        mx.awaitIdle();
        assertThat(mx.connection(0).credentials()).containsExactly("PLAIN relayuser:s3cret:x");
        assertThat(table.asked).containsExactly("127.0.0.1", "[127.0.0.1]:" + mx.port());
    }

    @Test
    void authenticatesWithLoginWhenPlainIsNotOffered() throws Exception {
        mx.setEhloKeywords("AUTH LOGIN");
        mx.setAuthAccepts("relayuser:pw");
        MapTable table = new MapTable(Map.of("127.0.0.1", "relayuser:pw"));
        List<RecipientResult> results = courier(name -> table, "smtp_sasl_auth_enable = yes",
            "smtp_sasl_password_maps = hash:/etc/postfix/sasl_passwd")
            .deliver(delivery(mail("a@example.com"), "relay:" + mx.relayhost()));

        assertThat(results).singleElement().extracting(RecipientResult::status).isEqualTo(Status.SENT);
        mx.awaitIdle();
        assertThat(mx.connection(0).credentials()).containsExactly("LOGIN relayuser:pw");
    }

    @Test
    void senderDependentAuthenticationLooksUpTheSenderFirst() throws Exception {
        mx.setEhloKeywords("AUTH PLAIN");
        mx.setAuthAccepts("alice:pw");
        MapTable table = new MapTable(Map.of("@example.org", "alice:pw", "[127.0.0.1]:" + mx.port(), "shared:pw"));
        List<RecipientResult> results = courier(name -> table, "smtp_sasl_auth_enable = yes",
            "smtp_sasl_password_maps = hash:/etc/postfix/sasl_passwd", "smtp_sender_dependent_authentication = yes")
            .deliver(delivery(mail("a@example.com"), "relay:" + mx.relayhost()));

        assertThat(results).singleElement().extracting(RecipientResult::status).isEqualTo(Status.SENT);
        mx.awaitIdle();
        assertThat(mx.connection(0).credentials()).containsExactly("PLAIN alice:pw");
        assertThat(table.asked).containsExactly("sender@example.org", "@example.org");
    }

    @Test
    void aRefusedAuthenticationDefers() throws Exception {
        mx.setEhloKeywords("AUTH PLAIN");
        mx.setAuthAccepts("someone:else");
        MapTable table = new MapTable(Map.of("127.0.0.1", "relayuser:wrong"));
        List<RecipientResult> results = courier(name -> table, "smtp_sasl_auth_enable = yes",
            "smtp_sasl_password_maps = hash:/etc/postfix/sasl_passwd")
            .deliver(delivery(mail("a@example.com"), "relay:" + mx.relayhost()));

        assertThat(results).singleElement().satisfies(r -> {
            assertThat(r.status()).isEqualTo(Status.DEFERRED);
            assertThat(r.dsn()).isEqualTo("4.7.0");
            assertThat(r.text()).isEqualTo("SASL authentication failed; server " + peer() + " said: 535 5.7.8 Error:"
                + " authentication failed: authentication failure");
        });
    }

    @Test
    void reusesAnIdleConnectionAfterRset() throws Exception {
        SmtpCourier courier = courier("smtp_connection_cache_time_limit = 10s");
        assertThat(courier.deliver(delivery(mail("a@example.com"), "smtp:" + mx.relayhost())))
            .singleElement().extracting(RecipientResult::status).isEqualTo(Status.SENT);
        assertThat(courier.deliver(delivery(mail("b@example.com"), "smtp:" + mx.relayhost())))
            .singleElement().extracting(RecipientResult::status).isEqualTo(Status.SENT);

        assertThat(mx.connections()).hasSize(1);
        assertThat(mx.connection(0).lines()).containsSubsequence("RCPT TO:<a@example.com>", "RSET", "RCPT TO:<b@example.com>")
            .doesNotContain("QUIT");
        courier.close();
        mx.awaitIdle();
        assertThat(mx.connection(0).lines()).endsWith("QUIT");
    }

    @Test
    void anExpiredIdleConnectionIsClosed() throws Exception {
        SmtpCourier courier = courier("smtp_connection_cache_time_limit = 1s");
        courier.deliver(delivery(mail("a@example.com"), "smtp:" + mx.relayhost()));
        mx.awaitIdle();
        assertThat(mx.connection(0).lines()).endsWith("QUIT");
        assertThat(courier.cachedSessions()).isZero();
    }

    @Test
    void triesMxHostsInPreferenceOrder() throws Exception {
        dns.with("example.com", DnsType.MX, "mx1.example.com", "mx2.example.com")
            .with("mx1.example.com", DnsType.A, "127.0.0.2")
            .with("mx2.example.com", DnsType.A, "127.0.0.1");
        List<RecipientResult> results = courier().deliver(delivery(mail("a@example.com"), "smtp:example.com:" + mx.port()));

        assertThat(results).singleElement().satisfies(r -> {
            assertThat(r.status()).isEqualTo(Status.SENT);
            assertThat(r.relay()).isEqualTo("mx2.example.com[127.0.0.1]:" + mx.port());
        });
        assertThat(dns.asked).containsSubsequence("example.com MX", "mx1.example.com A", "mx2.example.com A");
    }

    @Test
    void anUnknownDomainBouncesWithoutConnecting() throws Exception {
        List<RecipientResult> results = courier().deliver(delivery(mail("a@nx.test", "b@nx.test"), "smtp:"));

        assertThat(results).hasSize(2).allSatisfy(r -> {
            assertThat(r.status()).isEqualTo(Status.BOUNCED);
            assertThat(r.dsn()).isEqualTo("5.4.4");
            assertThat(r.relay()).isEqualTo("none");
            assertThat(r.text()).isEqualTo("Host or domain name not found. Name service error for name=nx.test type=MX:"
                + " Host not found");
        });
    }

    @Test
    void anEmptyNextHopIsEachRecipientsDomain() throws Exception {
        dns.with("one.test", DnsType.MX, DnsAnswer.temporaryFailure("SERVFAIL"))
            .with("two.test", DnsType.MX, "");
        List<RecipientResult> results = courier().deliver(delivery(mail("a@one.test", "b@two.test", "c@one.test"), "smtp:"));

        assertThat(results).extracting(r -> r.recipient().asString()).containsExactly("a@one.test", "b@two.test", "c@one.test");
        assertThat(results).extracting(RecipientResult::dsn).containsExactly("4.4.3", "5.1.0", "4.4.3");
    }

    @Test
    void aBadNextHopDefersNamingTheRoute() throws Exception {
        List<RecipientResult> results = courier().deliver(delivery(mail("a@example.com"), "smtp:[127.0.0.1]:99999"));

        assertThat(results).singleElement().satisfies(r -> {
            assertThat(r.status()).isEqualTo(Status.DEFERRED);
            assertThat(r.text()).contains("[127.0.0.1]:99999").contains("bad port");
        });
    }
}
