package dev.postern.app.harness;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.UncheckedIOException;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import dev.postern.testing.smtp.SmtpSink;

/** Fault replies, restart and waiting: the sink behaviours the end-to-end tests rely on. */
class SmtpSinkTest {

    private final SmtpSink sink = new SmtpSink();

    @AfterEach
    void stop() {
        sink.close();
    }

    @Test
    void rcptFaultReplyIsSentVerbatimAndNothingIsRecorded() {
        sink.start().setRcptReply("451 4.3.0 try later");
        try (SmtpClient client = SmtpClient.connect(sink.port())) {
            client.ehlo("client.example");
            client.mailFrom("a@client.example");
            assertThat(client.rcptTo("b@remote.example").full()).isEqualTo("451 4.3.0 try later");
            assertThat(client.data().full()).isEqualTo("554 5.5.1 Error: no valid recipients");
        }
        assertThat(sink.messageCount()).isZero();
    }

    @Test
    void perRecipientReplies() {
        sink.start().setRcptReply(rcpt -> rcpt.startsWith("bad") ? "550 5.1.1 <" + rcpt + ">: unknown" : "250 2.1.5 Ok");
        try (SmtpClient client = SmtpClient.connect(sink.port())) {
            client.ehlo("client.example");
            client.mailFrom("a@client.example");
            assertThat(client.rcptTo("bad@remote.example").full()).isEqualTo("550 5.1.1 <bad@remote.example>: unknown");
            assertThat(client.rcptTo("good@remote.example").code()).isEqualTo(250);
            assertThat(client.data("Subject: x\r\n\r\ny\r\n").code()).isEqualTo(250);
        }
        assertThat(sink.awaitMessages(1, Duration.ofSeconds(5)).get(0).recipients()).containsExactly("good@remote.example");
    }

    @Test
    void dataFaultReplyRefusesTheTransactionAndCanBeMultiLine() {
        sink.start().setDataReply("451-4.3.0 first line\n451 4.3.0 try later");
        try (SmtpClient client = SmtpClient.connect(sink.port())) {
            client.ehlo("client.example");
            ClientReply reply = client.sendMail("a@client.example", "b@remote.example", "Subject: x\r\n\r\ny\r\n");
            assertThat(reply.code()).isEqualTo(451);
            assertThat(reply.lines()).containsExactly("451-4.3.0 first line", "451 4.3.0 try later");
            assertThat(reply.text()).isEqualTo("4.3.0 first line\n4.3.0 try later");
            assertThat(reply.isTransientNegative()).isTrue();

            sink.resetReplies();
            assertThat(client.sendMail("a@client.example", "b@remote.example", "Subject: x\r\n\r\ny\r\n").code())
                    .isEqualTo(250);
        }
        assertThat(sink.awaitMessages(1, Duration.ofSeconds(5))).hasSize(1);
        assertThat(sink.refusedTransactionCount()).isEqualTo(1);
    }

    @Test
    void mailFaultReply() {
        sink.start().setMailReply("421 4.3.2 shutting down");
        try (SmtpClient client = SmtpClient.connect(sink.port())) {
            client.ehlo("client.example");
            assertThat(client.sendMail("a@client.example", "b@remote.example", "x\r\n").full())
                    .isEqualTo("421 4.3.2 shutting down");
        }
    }

    @Test
    void restartsOnTheSamePortAndKeepsWhatItRecorded() {
        sink.start();
        int port = sink.port();
        send(port, "first");
        sink.awaitMessages(1, Duration.ofSeconds(5));

        sink.stop();
        assertThat(sink.isRunning()).isFalse();
        assertThatThrownBy(() -> SmtpClient.connect(port)).isInstanceOf(UncheckedIOException.class);

        sink.start();
        assertThat(sink.port()).isEqualTo(port);
        send(port, "second");
        assertThat(TestMessages.tokenCounts(sink.awaitMessages(2, Duration.ofSeconds(5))))
                .containsOnlyKeys("first", "second");
        sink.clear();
        assertThat(sink.messageCount()).isZero();
    }

    @Test
    void startsLaterOnAPortChosenBeforehand() {
        int port = FreePorts.allocate();
        try (SmtpSink later = new SmtpSink(port)) {
            assertThat(FreePorts.isFree(port)).isTrue();
            later.start();
            assertThat(FreePorts.isFree(port)).isFalse();
            assertThat(later.relayhost()).isEqualTo("[127.0.0.1]:" + port);
            send(port, "later");
            assertThat(later.awaitMessages(1, Duration.ofSeconds(5))).hasSize(1);
        }
    }

    @Test
    void stopDropsOpenConnections() {
        sink.start();
        SmtpClient client = SmtpClient.connect(sink.port());
        try {
            client.ehlo("client.example");
            sink.stop();
            assertThat(client.isClosedByServer()).isTrue();
        } finally {
            client.close();
        }
    }

    @Test
    void awaitMessagesFailsWithTheCountWhenTooFewArrive() {
        sink.start();
        send(sink.port(), "only");
        assertThatThrownBy(() -> sink.awaitMessages(2, Duration.ofMillis(300)))
                .isInstanceOf(AssertionError.class)
                .hasMessageContaining("expected at least 2 message(s)")
                .hasMessageContaining("but got 1");
    }

    @Test
    void freePortsAreDistinct() {
        int[] ports = FreePorts.allocate(20);
        assertThat(ports).doesNotHaveDuplicates();
    }

    private static void send(int port, String token) {
        try (SmtpClient client = SmtpClient.connect(port)) {
            client.ehlo("client.example");
            assertThat(client.sendMail("a@client.example", "b@remote.example",
                    TestMessages.withToken("a@client.example", "b@remote.example", token, "x\r\n")).code())
                    .isEqualTo(250);
            client.quit();
        }
    }
}
