package dev.postern.smtpd;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.lang.reflect.Proxy;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;

import javax.mail.MessagingException;
import javax.mail.Session;
import javax.mail.internet.MimeMessage;

import org.apache.commons.configuration2.BaseHierarchicalConfiguration;
import org.apache.james.core.MailAddress;
import org.apache.james.protocols.smtp.SMTPSession;
import org.apache.james.protocols.smtp.hook.HookResult;
import org.apache.james.queue.api.MailQueue;
import org.apache.james.queue.api.MailQueueFactory;
import org.apache.mailet.Mail;
import org.apache.mailet.base.test.FakeMail;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import dev.postern.config.MainCf;
import dev.postern.log.MailLog;
import dev.postern.queue.MailAttributes;

/**
 * The lines logged when a message is queued: cleanup's {@code message-id=} always, qmgr's
 * {@code from=<>, size=, nrcpt= (queue active)} only for mail that goes on to delivery. Held mail stays out of
 * the active queue, as in Postfix, where pflogsumm counts qmgr's line as a received message moving on.
 */
class QueueingMessageHookTest {
    private static final String QID = "615D27FB2686";

    private final List<String> lines = new ArrayList<>();
    private final List<Mail> queued = new ArrayList<>();
    private SMTPSession session;
    private QueueingMessageHook hook;

    @BeforeEach
    void hook() throws Exception {
        session = FakeSessions.withAttachments();
        SessionQueueId.set(session, QID, Instant.now());
        MailLog log = new MailLog("postern", "mx.example.com", Clock.systemUTC(), lines::add);
        hook = new QueueingMessageHook(spoolRecordingInto(queued),
            new HookEnvironment(MainCf.parse("main.cf", List.of("myhostname = mx.example.com"), Map.of()), log));
        hook.init(new BaseHierarchicalConfiguration());
    }

    @Test
    void aQueuedMessageGetsCleanupsAndQmgrsLines() throws Exception {
        Mail mail = mail();

        assertThat(hook.onMessage(session, mail).getSmtpRetCode()).isEqualTo("250");

        assertThat(queued).singleElement().extracting(Mail::getName).isEqualTo(QID);
        assertThat(logged()).containsExactly(
            "postern/cleanup: " + QID + ": message-id=<m1@client.example>",
            "postern/qmgr: " + QID + ": from=<alice@client.example>, size=" + mail.getMessageSize() + ", nrcpt=2 (queue active)");
    }

    @Test
    void heldMailGetsCleanupsLineButNoQmgrLine() throws Exception {
        SessionDecisions.hold(session, "waiting for review");

        HookResult result = hook.onMessage(session, mail());

        assertThat(result.getSmtpRetCode()).isEqualTo("250");
        assertThat(result.getSmtpDescription()).isEqualTo("2.0.0 Ok: queued as " + QID);
        assertThat(queued).singleElement().satisfies(mail ->
            assertThat(mail.getAttribute(MailAttributes.HOLD)).isPresent());
        assertThat(logged()).as("the message waits in hold: qmgr has not seen it")
            .containsExactly("postern/cleanup: " + QID + ": message-id=<m1@client.example>");
    }

    @Test
    void discardedMailNeverReachesQmgr() throws Exception {
        SessionDecisions.discard(session, "spam trap");

        HookResult result = hook.onMessage(session, mail());

        assertThat(result.getSmtpRetCode()).isEqualTo("250");
        assertThat(logged()).as("discarded mail is not queued for delivery: no qmgr line")
            .containsExactly("postern/cleanup: " + QID + ": message-id=<m1@client.example>");
    }

    @Test
    void aMessageThatCannotBeReadIsNeitherQueuedNorAccepted() throws Exception {
        MimeMessage unreadable = new MimeMessage(Session.getDefaultInstance(new Properties())) {
            @Override
            public String getHeader(String name, String delimiter) throws MessagingException {
                throw new MessagingException("cannot read the header");
            }
        };
        Mail mail = FakeMail.builder().name("mail1").sender("alice@client.example")
            .recipients(new MailAddress("bob@remote.example")).mimeMessage(unreadable).build();

        HookResult result = hook.onMessage(session, mail);

        assertThat(result.getSmtpRetCode()).isEqualTo("451");
        assertThat(queued).as("a 4xx makes the client send the message again: it must not be queued as well").isEmpty();
    }

    private static Mail mail() throws Exception {
        MimeMessage message = new MimeMessage(Session.getDefaultInstance(new Properties()), new ByteArrayInputStream(
            "Message-ID: <m1@client.example>\r\nSubject: hello\r\n\r\nbody\r\n".getBytes(StandardCharsets.US_ASCII)));
        return FakeMail.builder().name("mail1").sender("alice@client.example")
            .recipients(new MailAddress("bob@remote.example"), new MailAddress("carol@remote.example"))
            .mimeMessage(message).build();
    }

    /** The lines without the timestamp, host and process ID: {@code postern/SERVICE: text}. */
    private List<String> logged() {
        return lines.stream().map(line -> line.replaceFirst("^.* (postern/[a-z]+)\\[\\d+\\]: ", "$1: ")).toList();
    }

    /** A spool queue that keeps what is enqueued; the hook asks the factory for it at init. */
    private static MailQueueFactory<?> spoolRecordingInto(List<Mail> queued) {
        MailQueue spool = (MailQueue) Proxy.newProxyInstance(MailQueue.class.getClassLoader(), new Class<?>[] {MailQueue.class},
            (proxy, method, args) -> {
                if (method.getName().equals("enQueue") && args[0] instanceof Mail mail) {
                    queued.add(mail);
                    return null;
                }
                if (method.getName().equals("toString")) {
                    return "recording spool";
                }
                throw new UnsupportedOperationException("the test spool has no " + method.getName());
            });
        return (MailQueueFactory<?>) Proxy.newProxyInstance(MailQueueFactory.class.getClassLoader(),
            new Class<?>[] {MailQueueFactory.class}, (proxy, method, args) -> {
                if (method.getName().equals("createQueue") || method.getName().equals("getQueue")) {
                    return method.getName().equals("getQueue") ? java.util.Optional.of(spool) : spool;
                }
                throw new UnsupportedOperationException("the test queue factory has no " + method.getName());
            });
    }
}
