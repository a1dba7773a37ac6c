package dev.postern.mailets;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;

import org.apache.james.core.MailAddress;
import org.apache.james.queue.api.MailQueue;
import org.apache.james.queue.api.MailQueue.MailQueueItem;
import org.apache.james.queue.api.MailQueue.MailQueueItem.CompletionStatus;
import org.apache.james.queue.api.MailQueueName;
import org.apache.james.transport.mailets.remote.delivery.Bouncer;
import org.apache.mailet.Attribute;
import org.apache.mailet.AttributeValue;
import org.apache.mailet.Mail;
import org.apache.mailet.base.test.FakeMail;
import org.junit.jupiter.api.Test;

import dev.postern.log.MailLog;
import dev.postern.log.MessageTimes;

import reactor.core.publisher.Flux;

/**
 * The decorated outgoing queue, driven the way James's DeliveryRunnable drives it: take a mail,
 * change it as an attempt does, maybe enqueue it again, then {@code done(SUCCESS)}.
 */
class RelayLoggingQueueFactoryTest {
    private static final MailQueueName OUTGOING = MailQueueName.of("outgoing");
    private static final Optional<RelayhostGateway> RELAYHOST = Optional.of(new RelayhostGateway("relay.example.com", 587));
    private static final String RELAY = "relay.example.com[192.0.2.25]:587";
    /** The delivery regex of pflogsumm 1.1.5. */
    private static final Pattern PFLOGSUMM_DELIVERY = Pattern.compile("to=<([^>]*)>, (?:orig_to=<[^>]*>, )?relay=([^,]+), "
        + "(?:conn_use=[^,]+, )?delay=([^,]+), (?:delays=[^,]+, )?(?:dsn=[^,]+, )?status=(\\S+)(.*)$");

    private final List<String> lines = new ArrayList<>();
    private final List<String> resolved = new ArrayList<>();
    private final RelayFakeMailQueue outgoing = new RelayFakeMailQueue(OUTGOING);

    private MailQueue queue(Optional<RelayhostGateway> gateway) {
        RelayLoggingQueueFactory factory = new RelayLoggingQueueFactory(outgoing.factory());
        MailLog mailLog = new MailLog("postfix", "mx.example.com",
            Clock.fixed(Instant.parse("2026-11-28T15:49:01Z"), ZoneOffset.UTC), lines::add);
        factory.setLog(new RelayAttemptLog(mailLog, gateway, Clock.systemUTC(), host -> {
            resolved.add(host);
            return "192.0.2.25";
        }));
        return factory.createQueue(OUTGOING);
    }

    private static FakeMail mail(String name, String... recipients) throws Exception {
        FakeMail mail = FakeMail.builder()
            .name(name)
            .sender("alice@example.com")
            .recipients(recipients)
            .state(Mail.DEFAULT)
            .build();
        Instant now = Instant.now();
        MessageTimes.stamp(mail, now.minusSeconds(3), now.minusSeconds(2));
        return mail;
    }

    private static MailQueueItem take(MailQueue queue) {
        return Flux.from(queue.deQueue()).blockFirst(Duration.ofSeconds(5));
    }

    private static String line(String queueId, String recipient, String relay, String dsnAndStatus) {
        return "Nov 28 15:49:01 mx postfix/smtp[" + ProcessHandle.current().pid() + "]: " + queueId + ": to=<" + recipient
            + ">, relay=" + relay + ", delay=*, delays=*, " + dsnAndStatus;
    }

    /** The lines with their delay= and delays= values blanked: no timing is asserted. */
    private List<String> linesWithoutTimes() {
        return lines.stream()
            .map(line -> line.replaceAll("delay=[^,]+, delays=[^,]+,", "delay=*, delays=*,"))
            .toList();
    }

    @Test
    void aDeliveredMailIsLoggedAsSentThroughTheRelayhost() throws Exception {
        MailQueue queue = queue(RELAYHOST);
        FakeMail mail = mail("3F2A1B4C5D6E", "bob@example.net", "carol@example.org");
        RelayFakeMailQueue.Item item = outgoing.offer(mail);

        MailQueueItem taken = take(queue);
        assertThat(taken.getMail().getName()).isEqualTo("3F2A1B4C5D6E");
        taken.done(CompletionStatus.SUCCESS);

        assertThat(linesWithoutTimes()).containsExactly(
            line("3F2A1B4C5D6E", "bob@example.net", RELAY, "dsn=2.0.0, status=sent (delivered via " + RELAY + ")"),
            line("3F2A1B4C5D6E", "carol@example.org", RELAY, "dsn=2.0.0, status=sent (delivered via " + RELAY + ")"));
        assertThat(lines).allSatisfy(line -> assertThat(PFLOGSUMM_DELIVERY.matcher(line).find()).isTrue());
        assertThat(lines.get(0)).matches(".* delay=[0-9.]+, delays=[0-9.]+/[0-9.]+/0/[0-9.]+, .*");
        assertThat(item.statuses()).containsExactly(CompletionStatus.SUCCESS);
        assertThat(resolved).containsExactly("relay.example.com");
    }

    @Test
    void aMailEnqueuedAgainWithADelayIsLoggedAsDeferred() throws Exception {
        MailQueue queue = queue(RELAYHOST);
        FakeMail mail = mail("3F2A1B4C5D6E", "bob@example.net");
        RelayFakeMailQueue.Item item = outgoing.offer(mail);

        MailQueueItem taken = take(queue);
        Mail attempt = taken.getMail();
        attempt.setState(Mail.ERROR);
        attempt.setAttribute(new Attribute(Bouncer.IS_DELIVERY_PERMANENT_ERROR, AttributeValue.of(false)));
        queue.enQueue(attempt, Duration.ofMinutes(5));
        taken.done(CompletionStatus.SUCCESS);

        assertThat(linesWithoutTimes()).containsExactly(line("3F2A1B4C5D6E", "bob@example.net", RELAY,
            "dsn=4.0.0, status=deferred (delivery temporarily failed; next attempt in 300 s)"));
        assertThat(outgoing.enqueued()).singleElement().satisfies(enqueued -> {
            assertThat(enqueued.mail()).isSameAs(mail);
            assertThat(enqueued.delay()).isEqualTo(Duration.ofMinutes(5));
        });
        assertThat(mail.getState()).isEqualTo(Mail.ERROR);
        assertThat(item.statuses()).containsExactly(CompletionStatus.SUCCESS);
    }

    @Test
    void aPermanentErrorIsLoggedAsBouncedWithTheBouncersReason() throws Exception {
        MailQueue queue = queue(RELAYHOST);
        outgoing.offer(mail("3F2A1B4C5D6E", "bob@example.net"));

        MailQueueItem taken = take(queue);
        taken.getMail().setAttribute(new Attribute(Bouncer.IS_DELIVERY_PERMANENT_ERROR, AttributeValue.of(true)));
        taken.getMail().setAttribute(new Attribute(Bouncer.DELIVERY_ERROR,
            AttributeValue.of("550 5.1.1 <bob@example.net>: Recipient address rejected:\r\n User unknown")));
        taken.done(CompletionStatus.SUCCESS);

        assertThat(linesWithoutTimes()).containsExactly(line("3F2A1B4C5D6E", "bob@example.net", RELAY,
            "dsn=5.1.1, status=bounced (550 5.1.1 <bob@example.net>: Recipient address rejected: User unknown)"));
        assertThat(PFLOGSUMM_DELIVERY.matcher(lines.get(0)).find()).isTrue();
    }

    @Test
    void aPermanentErrorWithoutReasonIsLoggedAsBounced() throws Exception {
        MailQueue queue = queue(RELAYHOST);
        outgoing.offer(mail("3F2A1B4C5D6E", "bob@example.net"));

        MailQueueItem taken = take(queue);
        taken.getMail().setAttribute(new Attribute(Bouncer.IS_DELIVERY_PERMANENT_ERROR, AttributeValue.of(true)));
        taken.done(CompletionStatus.SUCCESS);

        assertThat(linesWithoutTimes()).containsExactly(line("3F2A1B4C5D6E", "bob@example.net", RELAY,
            "dsn=5.0.0, status=bounced (delivery failed permanently)"));
    }

    @Test
    void anErrorLeftOnTheMailByAnEarlierAttemptDoesNotCount() throws Exception {
        MailQueue queue = queue(RELAYHOST);
        FakeMail mail = mail("3F2A1B4C5D6E", "bob@example.net");
        mail.setAttribute(new Attribute(Bouncer.IS_DELIVERY_PERMANENT_ERROR, AttributeValue.of(false)));
        mail.setErrorMessage("an earlier failure");
        outgoing.offer(mail);

        take(queue).done(CompletionStatus.SUCCESS);

        assertThat(linesWithoutTimes()).containsExactly(line("3F2A1B4C5D6E", "bob@example.net", RELAY,
            "dsn=2.0.0, status=sent (delivered via " + RELAY + ")"));
    }

    @Test
    void aPartialFailureLogsEachRecipientsOwnOutcome() throws Exception {
        MailQueue queue = queue(RELAYHOST);
        outgoing.offer(mail("3F2A1B4C5D6E", "a@example.net", "b@example.net", "c@example.net"));

        // MailDelivrer on a SendFailedException: a accepted, b rejected (bounced), c to retry.
        MailQueueItem taken = take(queue);
        Mail attempt = taken.getMail();
        attempt.setRecipients(List.of(new MailAddress("b@example.net")));
        attempt.setAttribute(new Attribute(Bouncer.DELIVERY_ERROR, AttributeValue.of("550 5.1.1 unknown user")));
        attempt.setRecipients(List.of(new MailAddress("c@example.net")));
        attempt.setAttribute(new Attribute(Bouncer.IS_DELIVERY_PERMANENT_ERROR, AttributeValue.of(false)));
        queue.enQueue(attempt, Duration.ofSeconds(60));
        taken.done(CompletionStatus.SUCCESS);

        assertThat(linesWithoutTimes()).containsExactly(
            line("3F2A1B4C5D6E", "a@example.net", RELAY, "dsn=2.0.0, status=sent (delivered via " + RELAY + ")"),
            line("3F2A1B4C5D6E", "b@example.net", RELAY, "dsn=5.1.1, status=bounced (550 5.1.1 unknown user)"),
            line("3F2A1B4C5D6E", "c@example.net", RELAY,
                "dsn=4.0.0, status=deferred (delivery temporarily failed; next attempt in 60 s)"));
    }

    @Test
    void aTemporaryFailureJamesGivesUpOnIsLoggedAsExpired() throws Exception {
        MailQueue queue = queue(RELAYHOST);
        outgoing.offer(mail("3F2A1B4C5D6E", "bob@example.net"));

        MailQueueItem taken = take(queue);
        taken.getMail().setAttribute(new Attribute(Bouncer.IS_DELIVERY_PERMANENT_ERROR, AttributeValue.of(false)));
        taken.getMail().setAttribute(new Attribute(Bouncer.DELIVERY_ERROR,
            AttributeValue.of("Too many retries failure. Bouncing after 5 retries.")));
        taken.done(CompletionStatus.SUCCESS);

        assertThat(linesWithoutTimes()).containsExactly(
            line("3F2A1B4C5D6E", "bob@example.net", RELAY,
                "dsn=4.0.0, status=deferred (Too many retries failure. Bouncing after 5 retries.)"),
            "Nov 28 15:49:01 mx postfix/qmgr[" + ProcessHandle.current().pid()
                + "]: 3F2A1B4C5D6E: from=<alice@example.com>, status=expired, returned to sender");
    }

    @Test
    void directMxDeliveryNamesTheRecipientDomainAndTheQueueIdOfTheSplitMail() throws Exception {
        MailQueue queue = queue(Optional.empty());
        outgoing.offer(mail("3F2A1B4C5D6E-to-example.net", "bob@example.net"));

        take(queue).done(CompletionStatus.SUCCESS);

        assertThat(linesWithoutTimes()).containsExactly(line("3F2A1B4C5D6E", "bob@example.net", "example.net",
            "dsn=2.0.0, status=sent (delivered via example.net)"));
        assertThat(resolved).isEmpty();
    }

    @Test
    void aRetryAfterAnUnexpectedFailureIsLoggedAsDeferredOnce() throws Exception {
        MailQueue queue = queue(RELAYHOST);
        RelayFakeMailQueue.Item item = outgoing.offer(mail("3F2A1B4C5D6E", "bob@example.net"));

        MailQueueItem taken = take(queue);
        taken.done(CompletionStatus.RETRY);
        taken.done(CompletionStatus.RETRY);

        assertThat(linesWithoutTimes()).containsExactly(line("3F2A1B4C5D6E", "bob@example.net", RELAY,
            "dsn=4.0.0, status=deferred (delivery attempt failed; will retry)"));
        assertThat(item.statuses()).containsExactly(CompletionStatus.RETRY, CompletionStatus.RETRY);
    }

    @Test
    void mailsNotTakenFromTheQueuePassThrough() throws Exception {
        MailQueue queue = queue(RELAYHOST);
        FakeMail mail = mail("3F2A1B4C5D6E", "bob@example.net");

        queue.enQueue(mail);

        assertThat(outgoing.enqueued()).singleElement().satisfies(enqueued -> assertThat(enqueued.mail()).isSameAs(mail));
        assertThat(lines).isEmpty();
    }

    @Test
    void withoutALogItemsAreNotWatched() throws Exception {
        RelayLoggingQueueFactory factory = new RelayLoggingQueueFactory(outgoing.factory());
        FakeMail mail = mail("3F2A1B4C5D6E", "bob@example.net");
        outgoing.offer(mail);

        MailQueueItem taken = take(factory.createQueue(OUTGOING));

        assertThat(taken.getMail()).isSameAs(mail);
    }

    @Test
    void dsnComesFromAnEnhancedStatusCodeOfTheRightClass() {
        assertThat(RelayAttemptLog.dsn("550 5.7.1 relaying denied", '5')).isEqualTo("5.7.1");
        assertThat(RelayAttemptLog.dsn("451 4.7.1 try later", '5')).isEqualTo("5.0.0");
        assertThat(RelayAttemptLog.dsn("host 192.0.2.1 said no", '5')).isEqualTo("5.0.0");
        assertThat(RelayAttemptLog.dsn("", '4')).isEqualTo("4.0.0");
    }
}
