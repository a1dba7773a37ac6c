package dev.postern.milter;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

import org.junit.jupiter.api.Test;

import dev.postern.log.MailEvent;
import dev.postern.testing.net.ClosedPort;

/** The client against a scripted filter on 127.0.0.1: negotiation, each reply, each modification, failures. */
class MilterClientTest {
    private static final MilterMessage MESSAGE = MilterMessage.parse(
        ("Received: from client\r\n\tby mx\r\nFrom: a@example.com\r\nSubject: hi\r\n\r\nbody line\r\n")
            .getBytes(StandardCharsets.US_ASCII));
    private static final MilterClient.Macros MACROS = name -> Map.of("j", "mx.example.com", "i", "4ABC", "{mail_addr}",
        "a@example.com").entrySet().stream().filter(e -> e.getKey().equals(name)).map(Map.Entry::getValue).findFirst();

    private final List<String> warnings = new ArrayList<>();

    private static MilterSettings settings(String endpoint, MilterDefaultAction action, Duration timeout) {
        return new MilterSettings(MilterEndpoint.parse(endpoint, Path.of("/")), timeout, timeout, timeout, action, 6,
            Map.of(MilterStage.CONNECT, List.of("j", "{daemon_name}"), MilterStage.MAIL, List.of("i", "{mail_addr}")));
    }

    private MilterClient open(ScriptedMilter milter) {
        return MilterClient.open(settings(milter.endpoint(), MilterDefaultAction.TEMPFAIL, Duration.ofSeconds(5)),
            warnings::add);
    }

    private static MilterClient.EndOfMessage transaction(MilterClient client) {
        client.connect("client.example", "192.0.2.1", 4321, MACROS);
        client.helo("client.example", MACROS);
        client.mail("a@example.com", List.of("SIZE=10"), MACROS);
        client.rcpt("b@example.net", List.of(), MACROS);
        client.data(MACROS);
        return client.content(MESSAGE, MACROS);
    }

    @Test
    void negotiatesVersionSixThenSendsEveryEventWithItsMacros() throws Exception {
        try (ScriptedMilter milter = new ScriptedMilter(0, ScriptedMilter::continueAll);
             MilterClient client = open(milter)) {
            MilterClient.EndOfMessage end = transaction(client);
            assertThat(end.reply()).isEqualTo(MilterReply.ACCEPT);
            client.close();
            Thread.sleep(100);
            MilterPacket offer = milter.received().get(0);
            assertThat(offer.command()).isEqualTo('O');
            assertThat(offer.int32(0)).isEqualTo(6);
            assertThat(offer.int32(4)).isEqualTo(0x1FF);
            assertThat(offer.int32(8)).isEqualTo(0x1FFFFF);
            assertThat(milter.commands()).containsExactly('O', 'D', 'C', 'H', 'D', 'M', 'R', 'T',
                'L', 'L', 'L', 'N', 'B', 'E', 'Q');
            assertThat(milter.received().get(1).strings(1)).containsExactly("j", "mx.example.com");
            assertThat(milter.received().get(1).data()[0]).isEqualTo((byte) 'C');
            assertThat(milter.received().get(5).strings()).containsExactly("<a@example.com>", "SIZE=10");
            // the leading space is dropped, folding kept as LF
            assertThat(milter.received().get(8).strings()).containsExactly("Received", "from client\n\tby mx");
            assertThat(new String(milter.received().get(12).data(), StandardCharsets.US_ASCII)).isEqualTo("body line\r\n");
        }
    }

    @Test
    void eventsTheFilterDeclinesAreNotSentAndRepliesItDeclinesAreNotAwaited() throws Exception {
        int protocol = MilterProtocol.NOCONNECT | MilterProtocol.NOHELO | MilterProtocol.NOBODY | MilterProtocol.NR_HDR
            | MilterProtocol.NR_RCPT;
        // a filter that answers a header or RCPT would desynchronise the conversation: the script answers none
        Function<MilterPacket, List<MilterPacket>> script = packet -> packet.command() == 'L' || packet.command() == 'R'
            ? List.of() : ScriptedMilter.continueAll(packet);
        try (ScriptedMilter milter = new ScriptedMilter(protocol, script); MilterClient client = open(milter)) {
            assertThat(transaction(client).reply()).isEqualTo(MilterReply.ACCEPT);
            assertThat(milter.commands()).containsExactly('O', 'D', 'D', 'M', 'R', 'T', 'L', 'L', 'L', 'N', 'E');
            assertThat(warnings).isEmpty();
        }
    }

    @Test
    void eachReplyMeansWhatPostfixMakesOfIt() throws Exception {
        assertThat(replyToMail(ScriptedMilter.reply('r'))).isEqualTo(MilterReply.REJECT);
        assertThat(replyToMail(ScriptedMilter.reply('t'))).isEqualTo(MilterReply.TEMPFAIL);
        assertThat(replyToMail(ScriptedMilter.reply('d'))).isEqualTo(MilterReply.DISCARD);
        assertThat(replyToMail(ScriptedMilter.reply('a'))).isEqualTo(MilterReply.ACCEPT);
        assertThat(replyToMail(ScriptedMilter.reply('4'))).isEqualTo(MilterReply.SHUTDOWN);
        assertThat(replyToMail(ScriptedMilter.reply('y', "554 5.7.0 Sender 100%% bad"))).isEqualTo(
            new MilterReply(MilterReply.Kind.REJECT, 554, "5.7.0", "Sender 100% bad"));
        assertThat(replyToMail(ScriptedMilter.reply('y', "452-4.3.1 one\r\n452 4.3.1 two")).line())
            .isEqualTo("452 4.3.1 one two");
        // progress means: keep waiting
        assertThat(replyToMail(ScriptedMilter.reply('p'), ScriptedMilter.reply('p'), ScriptedMilter.reply('r')))
            .isEqualTo(MilterReply.REJECT);
    }

    private MilterReply replyToMail(MilterPacket... replies) throws Exception {
        Function<MilterPacket, List<MilterPacket>> script = packet -> packet.command() == 'M' ? List.of(replies)
            : ScriptedMilter.continueAll(packet);
        try (ScriptedMilter milter = new ScriptedMilter(0, script); MilterClient client = open(milter)) {
            client.connect("client.example", "192.0.2.1", 4321, MACROS);
            return client.mail("a@example.com", List.of(), MACROS);
        }
    }

    @Test
    void aRefusedRecipientLeavesTheMessageGoingAndARejectedHeaderDecidesTheMessage() throws Exception {
        Function<MilterPacket, List<MilterPacket>> script = packet -> switch (packet.command()) {
            case 'R' -> List.of(ScriptedMilter.reply(packet.strings().get(0).startsWith("<bad") ? 'r' : 'c'));
            case 'L' -> List.of(ScriptedMilter.reply(packet.strings().get(0).equals("Subject") ? 'r' : 'c'));
            default -> ScriptedMilter.continueAll(packet);
        };
        try (ScriptedMilter milter = new ScriptedMilter(0, script); MilterClient client = open(milter)) {
            client.mail("a@example.com", List.of(), MACROS);
            assertThat(client.rcpt("bad@example.net", List.of(), MACROS)).isEqualTo(MilterReply.REJECT);
            assertThat(client.rcpt("good@example.net", List.of(), MACROS)).isEqualTo(MilterReply.CONTINUE);
            assertThat(client.content(MESSAGE, MACROS).reply()).isEqualTo(MilterReply.REJECT);
            assertThat(milter.commands()).doesNotContain('E', 'B');
        }
    }

    @Test
    void modificationsAtEndOfMessageAreCollectedUpToTheFinalReply() throws Exception {
        Function<MilterPacket, List<MilterPacket>> script = packet -> packet.command() != 'E'
            ? ScriptedMilter.continueAll(packet)
            : List.of(ScriptedMilter.reply('h', "X-Added", "yes"),
                MilterPacket.Builder.start().int32(0).strings("X-First", "top").packet('i'),
                MilterPacket.Builder.start().int32(1).strings("Subject", "changed").packet('m'),
                MilterPacket.Builder.start().int32(1).strings("From", "").packet('m'),
                ScriptedMilter.reply('+', "<added@example.org>"),
                ScriptedMilter.reply('2', "<dsn@example.org>", "NOTIFY=NEVER"),
                ScriptedMilter.reply('-', "<b@example.net>"),
                ScriptedMilter.reply('e', "<new@example.com>"),
                new MilterPacket('b', "new body\r\n".getBytes(StandardCharsets.US_ASCII)),
                ScriptedMilter.reply('p'),
                ScriptedMilter.reply('q', "suspicious"),
                ScriptedMilter.reply('c'));
        try (ScriptedMilter milter = new ScriptedMilter(0, script); MilterClient client = open(milter)) {
            MilterClient.EndOfMessage end = transaction(client);
            assertThat(end.reply()).isEqualTo(MilterReply.ACCEPT);
            assertThat(end.modifications()).containsSubsequence(
                new MilterModification.AddRecipient("added@example.org", List.of()),
                new MilterModification.AddRecipient("dsn@example.org", List.of("NOTIFY=NEVER")),
                new MilterModification.DeleteRecipient("b@example.net"),
                new MilterModification.ChangeSender("new@example.com", List.of()),
                new MilterModification.Quarantine("suspicious"));
            MilterMessage changed = MESSAGE.apply(end.modifications(), end.leadingSpace());
            assertThat(new String(changed.bytes(), StandardCharsets.US_ASCII)).isEqualTo(
                "X-First: top\r\nReceived: from client\r\n\tby mx\r\nSubject: changed\r\nX-Added: yes\r\n\r\nnew body\r\n");
        }
    }

    @Test
    void aFilterThatDoesNotAnswerInTimeGetsTheDefaultAction() throws Exception {
        Function<MilterPacket, List<MilterPacket>> silentAtEnd = packet -> packet.command() == 'E' ? List.of()
            : ScriptedMilter.continueAll(packet);
        try (ScriptedMilter milter = new ScriptedMilter(0, silentAtEnd);
             MilterClient client = MilterClient.open(settings(milter.endpoint(), MilterDefaultAction.TEMPFAIL,
                 Duration.ofMillis(300)), warnings::add)) {
            long start = System.nanoTime();
            assertThat(transaction(client).reply()).isEqualTo(MilterReply.TEMPFAIL);
            assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(3));
            assertThat(warnings).singleElement().asString().contains("timeout").endsWith("default action tempfail");
            // the filter is dropped for the rest of the session: the next message gets the default action at once
            assertThat(client.mail("a@example.com", List.of(), MACROS)).isEqualTo(MilterReply.TEMPFAIL);
        }
    }

    @Test
    void aFilterThatIsDownGetsTheDefaultActionAndQuarantineHoldsTheMessage() throws Exception {
        try (ClosedPort down = new ClosedPort()) {
            aFilterThatIsDownGetsTheDefaultActionAndQuarantineHoldsTheMessage("inet:" + down.hostAndPort());
        }
    }

    private void aFilterThatIsDownGetsTheDefaultActionAndQuarantineHoldsTheMessage(String endpoint) throws Exception {
        MilterClient tempfail = MilterClient.open(settings(endpoint, MilterDefaultAction.TEMPFAIL, Duration.ofSeconds(2)),
            warnings::add);
        assertThat(tempfail.failed()).isTrue();
        assertThat(tempfail.connect("c", "192.0.2.1", 1, MACROS).line()).isEqualTo("451 4.7.1 Service unavailable - try again later");
        MilterClient reject = MilterClient.open(settings(endpoint, MilterDefaultAction.REJECT, Duration.ofSeconds(2)),
            warnings::add);
        assertThat(reject.mail("a@example.com", List.of(), MACROS).line()).isEqualTo("550 5.5.0 Service unavailable");
        MilterClient quarantine = MilterClient.open(settings(endpoint, MilterDefaultAction.QUARANTINE,
            Duration.ofSeconds(2)), warnings::add);
        MilterClient.EndOfMessage end = transaction(quarantine);
        assertThat(end.reply()).isEqualTo(MilterReply.ACCEPT);
        assertThat(end.modifications()).singleElement().isInstanceOf(MilterModification.Quarantine.class);
        assertThat(warnings).hasSize(3).allSatisfy(w -> assertThat(w).contains("cannot connect"));
    }

    @Test
    void eachFinalWordOfTheFilterIsToldAsADecisionAndContinueIsNot() throws Exception {
        Function<MilterPacket, List<MilterPacket>> script = packet -> switch (packet.command()) {
            case 'R' -> List.of(ScriptedMilter.reply(packet.strings().get(0).startsWith("<bad") ? 'r' : 'c'));
            case 'E' -> List.of(ScriptedMilter.reply('q', "suspicious"), ScriptedMilter.reply('c'));
            default -> ScriptedMilter.continueAll(packet);
        };
        List<MailEvent> decisions = new ArrayList<>();
        try (ScriptedMilter milter = new ScriptedMilter(0, script);
             MilterClient client = MilterClient.open(settings(milter.endpoint(), MilterDefaultAction.TEMPFAIL,
                 Duration.ofSeconds(5)), warnings::add, decisions::add)) {
            client.connect("client.example", "192.0.2.1", 4321, MACROS);
            client.mail("a@example.com", List.of(), MACROS);
            client.rcpt("bad@example.net", List.of(), MACROS);
            client.rcpt("good@example.net", List.of(), MACROS);
            client.data(MACROS);
            client.content(MESSAGE, MACROS);
            client.mail("a@example.com", List.of(), MACROS);
            client.rcpt("good@example.net", List.of(), MACROS);
            client.content(MESSAGE, MACROS);

            String name = client.name();
            assertThat(decisions).containsExactly(new MailEvent.MilterDecision(name, "reject"),
                new MailEvent.MilterDecision(name, "quarantine"), new MailEvent.MilterDecision(name, "quarantine"));
        }
        decisions.clear();
        try (ClosedPort closed = new ClosedPort()) {
            MilterClient down = MilterClient.open(settings("inet:" + closed.hostAndPort(), MilterDefaultAction.REJECT,
                Duration.ofSeconds(2)), warnings::add, decisions::add);
            transaction(down);
            assertThat(decisions).as("the default action, once, when the filter fails")
                .containsExactly(new MailEvent.MilterDecision(down.name(), "reject"));
        }
    }

    @Test
    void aMacroListInTheNegotiationReplyReplacesTheConfiguredOne() throws Exception {
        // a filter that asks for {client_addr} at MAIL: the reply carries (stage 2, names)
        try (ScriptedMilterWithMacros milter = new ScriptedMilterWithMacros()) {
            MilterClient client = open(milter.milter);
            client.mail("a@example.com", List.of(), name -> Optional.of("v-" + name));
            client.close();
            Thread.sleep(100);
            MilterPacket macros = milter.milter.received().stream().filter(p -> p.command() == 'D').findFirst().orElseThrow();
            assertThat(macros.strings(1)).containsExactly("{client_addr}", "v-{client_addr}");
        }
    }

    /** ScriptedMilter's negotiation reply does not carry macro lists; this one wraps a raw socket filter that does. */
    private static final class ScriptedMilterWithMacros implements AutoCloseable {
        final ScriptedMilter milter;

        ScriptedMilterWithMacros() throws Exception {
            milter = new ScriptedMilter(0, ScriptedMilter::continueAll, MilterPacket.Builder.start().int32(2)
                .strings("{client_addr}").bytes());
        }

        @Override
        public void close() throws Exception {
            milter.close();
        }
    }

    @Test
    void endpointsAreInetOrUnix() {
        assertThat(MilterEndpoint.parse("inet:[::1]:8891", Path.of("/")).address().toString()).contains("8891");
        assertThat(MilterEndpoint.parse("unix:run/opendkim.sock", Path.of("/var/spool")).address().toString())
            .isEqualTo("/var/spool/run/opendkim.sock");
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> MilterEndpoint.parse("8891@localhost", Path.of("/")))
            .hasMessageContaining("expected inet:host:port or unix:/path");
    }

    @Test
    void softBounceTurnsAFiltersPermanentRefusalTemporary() throws Exception {
        assertThat(MilterReply.replyCode("554 5.7.1 no").softBounced().line()).isEqualTo("454 4.7.1 no");
        assertThat(MilterReply.TEMPFAIL.softBounced()).isEqualTo(MilterReply.TEMPFAIL);
    }

    @Test
    void headersNoFilterChangedKeepTheirBytes() {
        byte[] latin1 = "Subject: caf\u00e9\r\nX-Other: x\r\n\r\nbody\r\n".getBytes(StandardCharsets.ISO_8859_1);
        MilterMessage message = MilterMessage.parse(latin1)
            .apply(List.of(new MilterModification.ChangeHeader(1, "X-Other", "\u00fc")), false);
        byte[] expected = "Subject: caf\u00e9\r\n".getBytes(StandardCharsets.ISO_8859_1);
        assertThat(java.util.Arrays.copyOf(message.bytes(), expected.length)).isEqualTo(expected);
        assertThat(new String(message.bytes(), StandardCharsets.UTF_8)).contains("X-Other: \u00fc\r\n");
    }
}
