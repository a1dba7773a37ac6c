package dev.postern.qmgr;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Function;

import javax.mail.internet.MimeMessage;

import org.apache.james.core.MailAddress;
import org.apache.james.server.core.MailImpl;
import org.apache.mailet.Attribute;
import org.apache.mailet.AttributeValue;
import org.apache.mailet.Mail;
import org.junit.jupiter.api.Test;

import dev.postern.config.ComponentParameters;
import dev.postern.config.MainCf;
import dev.postern.milter.MilterPacket;
import dev.postern.milter.MilterProtocol;
import dev.postern.queue.MailAttributes;

/** non_smtpd_milters and internal_mail_filter_classes: which of Postern's own mail the filters see. */
class NonSmtpdMiltersTest {
    private static NonSmtpdMilters of(String... lines) throws Exception {
        MainCf mainCf = MainCf.parse("main.cf", List.of(lines), Map.of());
        return NonSmtpdMilters.of(ComponentParameters.of(mainCf, name -> Optional.empty(), "QueueManager"));
    }

    private static Mail mail(String internalClass) throws Exception {
        MimeMessage message = new MimeMessage(null, new ByteArrayInputStream(
            "Subject: Undelivered Mail Returned to Sender\r\n\r\nreport\r\n".getBytes(StandardCharsets.US_ASCII)));
        MailImpl mail = MailImpl.builder().name("M1").addRecipient(new MailAddress("alice@example.com"))
            .mimeMessage(message).build();
        if (internalClass != null) {
            mail.setAttribute(new Attribute(MailAttributes.INTERNAL_MAIL_CLASS, AttributeValue.of(internalClass)));
        }
        return mail;
    }

    @Test
    void onlyPosternsOwnMailOfANamedClassIsShownToTheFilters() throws Exception {
        NonSmtpdMilters bounces = of("non_smtpd_milters = inet:127.0.0.1:8891", "internal_mail_filter_classes = bounce");

        assertThat(bounces.applies(mail("bounce"))).isTrue();
        assertThat(bounces.applies(mail(null))).as("smtpd, forwarded or requeued mail").isFalse();
        assertThat(bounces.applies(mail("notify"))).isFalse();
    }

    @Test
    void postfixsDefaultFiltersNothing() throws Exception {
        assertThat(of("non_smtpd_milters = inet:127.0.0.1:8891").applies(mail("bounce")))
            .as("internal_mail_filter_classes is empty by default").isFalse();
        assertThat(of("internal_mail_filter_classes = bounce").applies(mail("bounce")))
            .as("no non_smtpd_milters").isFalse();
    }

    @Test
    void badSettingsNameTheirParameter() {
        assertThatThrownBy(() -> of("non_smtpd_milters = inet:127.0.0.1:8891", "internal_mail_filter_classes = bounce, spam"))
            .hasMessageContaining("internal_mail_filter_classes: unknown class \"spam\"");
        assertThatThrownBy(() -> of("non_smtpd_milters = 8891@localhost"))
            .hasMessageContaining("expected inet:host:port or unix:/path");
        assertThatThrownBy(() -> of("non_smtpd_milters = { inet:127.0.0.1:8891, default_action = maybe }"))
            .hasMessageContaining("milter_default_action = maybe");
    }

    @Test
    void whatTheFilterSaysAtEndOfMessageDecidesTheNotice() throws Exception {
        try (FakeMilter accept = new FakeMilter(List.of(MilterPacket.ofStrings('h', "X-Scanned", "yes"), reply('a')));
             FakeMilter reject = new FakeMilter(List.of(MilterPacket.ofStrings('y', "550 5.7.1 no bounces here")));
             FakeMilter tempfail = new FakeMilter(List.of(reply('t')));
             FakeMilter quarantine = new FakeMilter(List.of(MilterPacket.ofStrings('q', "odd bounce"), reply('a')))) {
            Mail mail = mail("bounce");
            assertThat(filter(accept, mail)).isEqualTo(new NonSmtpdMilters.Outcome.Accept());
            assertThat(mail.getMessage().getHeader("X-Scanned", null)).isEqualTo("yes");
            assertThat(accept.commands()).as("a local client, then the envelope and the message")
                .containsSubsequence('O', 'C', 'H', 'M', 'R', 'T', 'L', 'N', 'B', 'E');
            assertThat(accept.strings('C')).startsWith("localhost");
            assertThat(accept.strings('H')).containsExactly("localhost");
            assertThat(accept.strings('R')).containsExactly("<alice@example.com>");

            assertThat(filter(reject, mail("bounce")))
                .isEqualTo(new NonSmtpdMilters.Outcome.Drop("milter-reject", "5.7.1 no bounces here"));
            assertThat(filter(tempfail, mail("bounce")))
                .isEqualTo(new NonSmtpdMilters.Outcome.Tempfail("4.7.1 Service unavailable - try again later"));
            assertThat(filter(quarantine, mail("bounce"))).isEqualTo(new NonSmtpdMilters.Outcome.Hold("odd bounce"));
        }
    }

    @Test
    void aFilterThatIsDownGetsTheDefaultAction() throws Exception {
        FakeMilter down = new FakeMilter(List.of());
        down.close();
        assertThat(filter(down, mail("bounce"))).as("milter_default_action = tempfail")
            .isInstanceOf(NonSmtpdMilters.Outcome.Tempfail.class);
        NonSmtpdMilters accepting = of("non_smtpd_milters = " + down.endpoint(), "internal_mail_filter_classes = bounce",
            "milter_default_action = accept");
        assertThat(accepting.filter(mail("bounce"), "M1", warning -> { }))
            .isEqualTo(new NonSmtpdMilters.Outcome.Accept());
    }

    private static NonSmtpdMilters.Outcome filter(FakeMilter milter, Mail mail) throws Exception {
        NonSmtpdMilters milters = of("non_smtpd_milters = " + milter.endpoint(), "internal_mail_filter_classes = bounce",
            "milter_connect_timeout = 2s", "milter_command_timeout = 2s", "milter_content_timeout = 2s");
        return milters.filter(mail, "M1", warning -> { });
    }

    private static MilterPacket reply(char command) {
        return new MilterPacket(command, new byte[0]);
    }

    /** A filter on loopback that continues every event and answers end of message with the given packets. */
    private static final class FakeMilter implements AutoCloseable {
        private final ServerSocket server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        private final List<MilterPacket> received = new CopyOnWriteArrayList<>();

        FakeMilter(List<MilterPacket> endOfMessage) throws IOException {
            Function<MilterPacket, List<MilterPacket>> script = packet -> packet.command() == 'E' ? endOfMessage
                : List.of(reply('c'));
            Thread thread = new Thread(() -> serve(script), "fake-milter");
            thread.setDaemon(true);
            thread.start();
        }

        String endpoint() {
            return "inet:127.0.0.1:" + server.getLocalPort();
        }

        List<Character> commands() {
            return received.stream().map(MilterPacket::command).toList();
        }

        List<String> strings(char command) {
            return received.stream().filter(p -> p.command() == command).findFirst().orElseThrow().strings();
        }

        private void serve(Function<MilterPacket, List<MilterPacket>> script) {
            while (!server.isClosed()) {
                try (Socket socket = server.accept()) {
                    converse(new DataInputStream(socket.getInputStream()), socket.getOutputStream(), script);
                } catch (IOException e) {
                    // the connection ended; the next one is served
                }
            }
        }

        private void converse(DataInputStream in, OutputStream out, Function<MilterPacket, List<MilterPacket>> script)
                throws IOException {
            while (true) {
                MilterPacket packet;
                try {
                    int length = in.readInt();
                    char command = (char) in.readUnsignedByte();
                    byte[] data = new byte[length - 1];
                    in.readFully(data);
                    packet = new MilterPacket(command, data);
                } catch (EOFException e) {
                    return;
                }
                received.add(packet);
                ByteArrayOutputStream replies = new ByteArrayOutputStream();
                switch (packet.command()) {
                    case 'O' -> replies.write(MilterPacket.Builder.start().int32(6).int32(MilterProtocol.ALL_ACTIONS)
                        .int32(0).packet('O').encode());
                    case 'D', 'A', 'B', 'L' -> {
                        if (packet.command() == 'B' || packet.command() == 'L') {
                            replies.write(reply('c').encode());
                        }
                    }
                    case 'Q' -> {
                        return;
                    }
                    default -> {
                        for (MilterPacket reply : script.apply(packet)) {
                            replies.write(reply.encode());
                        }
                    }
                }
                out.write(replies.toByteArray());
                out.flush();
            }
        }

        @Override
        public void close() throws IOException {
            server.close();
        }
    }
}
