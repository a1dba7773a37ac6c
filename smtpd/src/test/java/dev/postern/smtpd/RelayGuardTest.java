package dev.postern.smtpd;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import org.apache.commons.configuration2.BaseHierarchicalConfiguration;
import org.apache.james.core.MailAddress;
import org.apache.james.core.MaybeSender;
import org.apache.james.protocols.api.ProtocolSession.State;
import org.apache.james.protocols.api.Response;
import org.apache.james.protocols.smtp.SMTPResponse;
import org.apache.james.protocols.smtp.SMTPSession;
import org.apache.james.protocols.smtp.core.MailCmdHandler;
import org.apache.james.protocols.smtp.core.RcptCmdHandler;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import dev.postern.config.MainCf;
import dev.postern.testing.FakeDomainList;
import dev.postern.testing.FakeUsersRepository;

/** The relay guard takes back an accepted recipient that has no relay permission (cases in relay-guard-cases.txt). */
class RelayGuardTest {
    private static final SMTPResponse ACCEPTED = new SMTPResponse("250", "2.1.5 Ok");

    private RelayGuard guard;

    @BeforeEach
    void init() throws Exception {
        MainCf mainCf = MainCf.parse("main.cf", List.of("myhostname = mx.example.com",
            "mydestination = $myhostname, localhost", "mynetworks = 198.51.100.0/24", "relay_domains = relay.example"),
            Map.of());
        guard = new RelayGuard(new FakeDomainList(), new FakeUsersRepository("bob"), new HookEnvironment(mainCf, null));
        guard.init(new BaseHierarchicalConfiguration());
    }

    static Stream<Arguments> cases() throws IOException {
        try (InputStream in = RelayGuardTest.class.getResourceAsStream("/relay-guard-cases.txt")) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8).lines()
                .filter(line -> !line.isBlank() && !line.startsWith("#"))
                .map(line -> Arrays.stream(line.split("\\|")).map(String::trim).toArray())
                .map(Arguments::of)
                .toList().stream();
        }
    }

    @ParameterizedTest(name = "{0} login={1} RCPT TO:<{2}> vetted={3}: {4}")
    @MethodSource("cases")
    void theFinalReplyToAnAcceptedRecipient(String client, String login, String recipient, String vetted, String reply)
            throws Exception {
        FakeSmtpSession fake = FakeSmtpSession.client(client);
        if (!login.isEmpty()) {
            fake.loggedInAs(login);
        }
        SMTPSession session = fake.session();
        MailAddress address = new MailAddress(recipient);
        List<MailAddress> recipients = accept(session, address);
        if (vetted.equals("yes")) {
            RelayGuard.cover(session, address);
        }

        Response response = guard.onResponse(session, ACCEPTED, 0, new RcptCmdHandler(null));

        assertThat(line(response)).isEqualTo(reply);
        assertThat(recipients.contains(address)).isEqualTo(reply.startsWith("250"));
    }

    @Test
    void onlyTheLastRecipientIsJudgedAndTheOthersStay() throws Exception {
        SMTPSession session = FakeSmtpSession.client("192.0.2.10").session();
        MailAddress local = new MailAddress("bob@mx.example.com");
        accept(session, local);
        List<MailAddress> recipients = accept(session, new MailAddress("bob@remote.example"));

        assertThat(line(guard.onResponse(session, ACCEPTED, 0, new RcptCmdHandler(null))))
            .isEqualTo("554 5.7.1 <bob@remote.example>: Relay access denied");
        assertThat(recipients).containsExactly(local);
    }

    @Test
    void aRefusalOrAnotherCommandsReplyPassesUnchanged() throws Exception {
        SMTPSession session = FakeSmtpSession.client("192.0.2.10").session();
        accept(session, new MailAddress("bob@remote.example"));
        SMTPResponse refused = new SMTPResponse("550", "5.1.1 <bob@remote.example>: User unknown");

        assertThat(guard.onResponse(session, refused, 0, new RcptCmdHandler(null))).isSameAs(refused);
        assertThat(guard.onResponse(session, ACCEPTED, 0, new MailCmdHandler(null))).isSameAs(ACCEPTED);
    }

    @Test
    void theCoverIsForgottenWithTheTransaction() throws Exception {
        FakeSmtpSession fake = FakeSmtpSession.client("192.0.2.10");
        SMTPSession session = fake.session();
        MailAddress remote = new MailAddress("bob@remote.example");
        accept(session, remote);
        RelayGuard.cover(session, remote);
        fake.resetTransaction();
        accept(session, remote);

        assertThat(line(guard.onResponse(session, ACCEPTED, 0, new RcptCmdHandler(null))))
            .isEqualTo("554 5.7.1 <bob@remote.example>: Relay access denied");
    }

    /** What James's RCPT handler does when a hook accepts: the recipient joins the transaction. */
    private static List<MailAddress> accept(SMTPSession session, MailAddress recipient) {
        session.setAttachment(SMTPSession.SENDER, MaybeSender.getMailSender("alice@client.example"), State.Transaction);
        List<MailAddress> recipients = session.getAttachment(SMTPSession.RCPT_LIST, State.Transaction).orElseGet(() -> {
            List<MailAddress> fresh = new ArrayList<>();
            session.setAttachment(SMTPSession.RCPT_LIST, fresh, State.Transaction);
            return fresh;
        });
        recipients.add(recipient);
        return recipients;
    }

    static String line(Response response) {
        return response.getRetCode() + " " + String.join(" ", response.getLines()).replaceFirst("^\\d{3}[ -]", "");
    }
}
