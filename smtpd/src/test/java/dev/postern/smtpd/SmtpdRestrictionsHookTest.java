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
import org.apache.james.protocols.smtp.SMTPSession;
import org.apache.james.protocols.smtp.hook.HookResult;
import org.apache.james.protocols.smtp.hook.HookReturnCode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import dev.postern.config.MainCf;
import dev.postern.testing.FakeDomainList;
import dev.postern.testing.FakeUsersRepository;

/** Postfix's restriction lists in the dialogue: at RCPT (cases in smtpd-restrictions-cases.txt), or earlier with smtpd_delay_reject = no. */
class SmtpdRestrictionsHookTest {
    private static SmtpdRestrictionsHook hook(List<String> settings) throws Exception {
        List<String> lines = new ArrayList<>(List.of("myhostname = mx.example.com", "mydestination = $myhostname, localhost",
            "mynetworks = 198.51.100.0/24"));
        lines.addAll(settings);
        SmtpdRestrictionsHook hook = new SmtpdRestrictionsHook(new FakeDomainList(), new FakeUsersRepository("bob"),
            new HookEnvironment(MainCf.parse("main.cf", lines, Map.of()), null));
        hook.init(new BaseHierarchicalConfiguration());
        return hook;
    }

    private static SMTPSession session(String client, String login, String helo) {
        FakeSmtpSession fake = FakeSmtpSession.client(client);
        if (!login.isEmpty()) {
            fake.loggedInAs(login);
        }
        SMTPSession session = fake.session();
        session.setAttachment(SMTPSession.CURRENT_HELO_MODE, "EHLO", State.Connection);
        session.setAttachment(SMTPSession.CURRENT_HELO_NAME, helo, State.Connection);
        return session;
    }

    static Stream<Arguments> rcptCases() throws IOException {
        try (InputStream in = SmtpdRestrictionsHookTest.class.getResourceAsStream("/smtpd-restrictions-cases.txt")) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8).lines()
                .filter(line -> !line.isBlank() && !line.startsWith("#"))
                .map(line -> Arrays.stream(line.split("\\|")).map(String::trim).toArray())
                .map(Arguments::of)
                .toList().stream();
        }
    }

    @ParameterizedTest(name = "[{0}] {1} {2} HELO {3} MAIL <{4}> RCPT <{5}>: {6}")
    @MethodSource("rcptCases")
    void eachRecipientRunsTheFiveLists(String settings, String client, String login, String helo, String sender,
            String recipient, String reply) throws Exception {
        SmtpdRestrictionsHook hook = hook(settings.isEmpty() ? List.of() : Arrays.asList(settings.split(";")));

        HookResult result = hook.doRcpt(session(client, login, helo), MaybeSender.getMailSender(sender),
            new MailAddress(recipient));

        assertThat(line(result)).isEqualTo(reply);
    }

    @Test
    void withDelayRejectTheHeloAndSenderListsWaitForRcpt() throws Exception {
        SmtpdRestrictionsHook hook = hook(List.of("smtpd_helo_restrictions = reject", "smtpd_sender_restrictions = reject"));
        SMTPSession session = session("192.0.2.10", "", "client.example");

        assertThat(hook.doHelo(session, "client.example")).isEqualTo(HookResult.DECLINED);
        assertThat(hook.doMail(session, MaybeSender.getMailSender("alice@client.example"))).isEqualTo(HookResult.DECLINED);
        assertThat(line(hook.doRcpt(session, MaybeSender.getMailSender("alice@client.example"),
            new MailAddress("bob@mx.example.com"))))
            .isEqualTo("554 5.7.1 <client.example>: Helo command rejected: Access denied");
    }

    @Test
    void withoutDelayRejectHeloAndMailAreRefusedThemselvesAndRcptRunsOnlyTheRelayAndRecipientLists() throws Exception {
        SmtpdRestrictionsHook heloHook = hook(List.of("smtpd_delay_reject = no", "smtpd_helo_restrictions = reject"));
        assertThat(line(heloHook.doHelo(session("192.0.2.10", "", "client.example"), "client.example")))
            .isEqualTo("554 5.7.1 <client.example>: Helo command rejected: Access denied");

        SmtpdRestrictionsHook senderHook = hook(List.of("smtpd_delay_reject = no", "smtpd_sender_restrictions = reject"));
        SMTPSession session = session("192.0.2.10", "", "client.example");
        HookResult mail = senderHook.doMail(session, MaybeSender.getMailSender("alice@client.example"));
        assertThat(mail.getResult()).isEqualTo(HookReturnCode.deny());
        assertThat(line(mail)).isEqualTo("554 5.7.1 <alice@client.example>: Sender address rejected: Access denied");
        // the sender list judged MAIL FROM and is not run again at RCPT
        assertThat(senderHook.doRcpt(session, MaybeSender.getMailSender("alice@client.example"),
            new MailAddress("bob@mx.example.com"))).isEqualTo(HookResult.DECLINED);
    }

    /** As in Postfix, a defer_if_permit at HELO waits for RCPT and then defers the recipient the lists accept. */
    @Test
    void withoutDelayRejectADeferIfPermitOfTheHeloListTakesEffectAtRcpt() throws Exception {
        SmtpdRestrictionsHook hook = hook(List.of("smtpd_delay_reject = no", "smtpd_helo_restrictions = defer_if_permit"));
        SMTPSession session = session("192.0.2.10", "", "client.example");

        assertThat(hook.doHelo(session, "client.example")).isEqualTo(HookResult.DECLINED);
        assertThat(hook.doMail(session, MaybeSender.getMailSender("alice@client.example"))).isEqualTo(HookResult.DECLINED);
        HookResult rcpt = hook.doRcpt(session, MaybeSender.getMailSender("alice@client.example"),
            new MailAddress("bob@mx.example.com"));

        assertThat(rcpt.getResult()).isEqualTo(HookReturnCode.denySoft());
        assertThat(line(rcpt)).isEqualTo("450 4.7.0 <client.example>: Helo command rejected: defer_if_permit requested");
    }

    private static String line(HookResult result) {
        return result == HookResult.DECLINED ? "DECLINED" : result.getSmtpRetCode() + " " + result.getSmtpDescription();
    }
}
