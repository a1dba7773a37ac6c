package dev.postern.smtpd;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.lang.reflect.Proxy;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import org.apache.commons.configuration2.BaseHierarchicalConfiguration;
import org.apache.james.protocols.api.BaseRequest;
import org.apache.james.protocols.api.ProtocolSession.State;
import org.apache.james.protocols.api.handler.CommandHandler;
import org.apache.james.protocols.smtp.SMTPResponse;
import org.apache.james.protocols.smtp.SMTPSession;
import org.apache.james.protocols.smtp.hook.HookResult;
import org.apache.james.protocols.smtp.hook.HookReturnCode;
import org.apache.james.protocols.smtp.hook.MessageHook;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import dev.postern.config.MainCf;
import dev.postern.dns.DnsAnswer;
import dev.postern.dns.DnsLookup;
import dev.postern.log.MailLog;

/** smtpd's mail log lines: connect, the reject lines of MAIL and RCPT, disconnect with the command counts. */
class SmtpdLoggerTest {
    /** The client's PTR and forward records; every other name does not exist. */
    private static final DnsLookup DNS = (name, type) -> switch (name + " " + type) {
        case "10.2.0.192.in-addr.arpa PTR" -> DnsAnswer.found(List.of("mail.client.example"));
        case "mail.client.example A" -> DnsAnswer.found(List.of("192.0.2.10"));
        default -> DnsAnswer.noSuchName("no " + name);
    };

    private final List<String> lines = new ArrayList<>();
    private SmtpdLogger logger;
    private SMTPSession session;

    @BeforeEach
    void init() throws Exception {
        MainCf mainCf = MainCf.parse("main.cf", List.of("myhostname = mx.example.com"), Map.of());
        HookEnvironment environment = new HookEnvironment(mainCf,
            new MailLog(mainCf.get("syslog_name"), "mx.example.com", Clock.systemUTC(), lines::add));
        environment.setDns(DNS);
        logger = new SmtpdLogger(environment);
        logger.init(new BaseHierarchicalConfiguration());
        session = FakeSmtpSession.client("192.0.2.10").session();
    }

    /** The log lines without timestamp, host, process ID and daemon name. */
    private List<String> logged() {
        return lines.stream().map(line -> line.replaceFirst("^.*/smtpd\\[\\d+\\]: ", "")).toList();
    }

    @Test
    void theConnectLineNamesTheClientByItsConfirmedName() {
        assertThat(logger.onConnect(session)).isNull();

        assertThat(logged()).containsExactly("connect from mail.client.example[192.0.2.10]");
        assertThat(ClientIdentity.of(session)).isEqualTo("mail.client.example[192.0.2.10]");
    }

    static Stream<Arguments> dialogues() throws IOException {
        try (InputStream in = SmtpdLoggerTest.class.getResourceAsStream("/smtpd-logger-dialogues.txt")) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8).lines()
                .filter(line -> !line.isBlank() && !line.startsWith("#"))
                .map(line -> line.split("\\|"))
                .map(row -> Arguments.of(row[0].trim(), row[1].trim()))
                .toList().stream();
        }
    }

    @ParameterizedTest(name = "{0}: {1}")
    @MethodSource("dialogues")
    void theDisconnectLineCountsEachCommandAsPostfixDoes(String replies, String counts) {
        logger.onConnect(session);
        for (String reply : replies.isEmpty() ? new String[0] : replies.split(",\\s*")) {
            String[] commandAndCode = reply.split(" ");
            answer(commandAndCode[0], commandAndCode[1]);
        }

        logger.onDisconnect(session);

        assertThat(logged()).last().isEqualTo("disconnect from mail.client.example[192.0.2.10] " + counts);
    }

    @Test
    void aRefusedRecipientIsLoggedAsTheClientWroteIt() {
        logger.onConnect(session);
        session.setAttachment(SMTPSession.CURRENT_HELO_MODE, "EHLO", State.Connection);
        session.setAttachment(SMTPSession.CURRENT_HELO_NAME, "client.example", State.Connection);
        new CommandArguments().onCommand(session, new BaseRequest("MAIL", "FROM:<alice@client.example>"));
        new CommandArguments().onCommand(session, new BaseRequest("RCPT", "TO:<Bob@Remote.Example>"));

        logger.onResponse(session, new SMTPResponse("554", "5.7.1 <Bob@Remote.Example>: Relay access denied"), 0,
            command("RCPT"));

        assertThat(logged()).last().isEqualTo("NOQUEUE: reject: RCPT from mail.client.example[192.0.2.10]: 554 5.7.1"
            + " <Bob@Remote.Example>: Relay access denied; from=<alice@client.example> to=<Bob@Remote.Example>"
            + " proto=ESMTP helo=<client.example>");
    }

    @Test
    void aRefusedSenderHasNoRecipientAndATransactionWithAQueueIdIsLoggedUnderIt() {
        logger.onConnect(session);
        new CommandArguments().onCommand(session, new BaseRequest("MAIL", "FROM:<>"));
        logger.onResponse(session, new SMTPResponse("450", "4.7.1 Error: too much mail from 192.0.2.10"), 0, command("MAIL"));
        SessionQueueId.set(session, "4ABCDEF", Instant.now());
        new CommandArguments().onCommand(session, new BaseRequest("RCPT", "TO:<carol@mx.example.com>"));
        logger.onResponse(session, new SMTPResponse("452", "4.5.3 Error: too many recipients"), 0, command("RCPT"));

        assertThat(logged()).containsExactly("connect from mail.client.example[192.0.2.10]",
            "NOQUEUE: reject: MAIL from mail.client.example[192.0.2.10]: 450 4.7.1 Error: too much mail from 192.0.2.10;"
                + " from=<> proto=SMTP helo=<>",
            "4ABCDEF: reject: RCPT from mail.client.example[192.0.2.10]: 452 4.5.3 Error: too many recipients;"
                + " from=<> to=<carol@mx.example.com> proto=SMTP helo=<>");
    }

    @Test
    void acceptedCommandsAndRefusalsOfOtherCommandsWriteNoRejectLine() {
        logger.onConnect(session);
        logger.onResponse(session, new SMTPResponse("250", "2.1.5 Ok"), 0, command("RCPT"));
        logger.onResponse(session, new SMTPResponse("501", "5.5.2 Syntax: HELO hostname"), 0, command("HELO"));

        assertThat(logged()).containsExactly("connect from mail.client.example[192.0.2.10]");
    }

    /** One command's final reply, as James passes it to the result handlers; END is the message hooks' reply. */
    private void answer(String command, String code) {
        if (command.equals("END")) {
            HookReturnCode result = code.startsWith("2") ? HookReturnCode.ok()
                : code.startsWith("4") ? HookReturnCode.denySoft() : HookReturnCode.deny();
            logger.onHookResult(session, HookResult.builder().hookReturnCode(result).smtpReturnCode(code).build(), 0,
                messageHook());
            return;
        }
        logger.onResponse(session, new SMTPResponse(code, "text"), 0, command(command));
    }

    @SuppressWarnings("unchecked")
    private static CommandHandler<SMTPSession> command(String name) {
        return (CommandHandler<SMTPSession>) Proxy.newProxyInstance(CommandHandler.class.getClassLoader(),
            new Class<?>[] {CommandHandler.class}, (proxy, method, args) ->
                method.getName().equals("getImplCommands") ? List.of(name.toLowerCase()) : null);
    }

    private static MessageHook messageHook() {
        return (MessageHook) Proxy.newProxyInstance(MessageHook.class.getClassLoader(), new Class<?>[] {MessageHook.class},
            (proxy, method, args) -> null);
    }
}
