package dev.postern.qmgr;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

import javax.mail.MessagingException;

import org.apache.james.core.MailAddress;
import org.apache.james.core.MaybeSender;
import org.apache.mailet.Attribute;
import org.apache.mailet.AttributeValue;
import org.apache.mailet.DsnParameters;
import org.apache.mailet.Mail;
import org.apache.mailet.base.test.FakeMail;
import org.apache.mailet.base.test.FakeMailetConfig;
import org.junit.jupiter.api.Test;

import dev.postern.delivery.Courier;
import dev.postern.delivery.Delivery;
import dev.postern.delivery.RecipientResult;
import dev.postern.delivery.bounce.Notifications;
import dev.postern.delivery.route.DeliveryWindows;
import dev.postern.delivery.route.Route;
import dev.postern.delivery.route.Router;
import dev.postern.log.MailLog;
import dev.postern.mailets.RecordingMailetContext;
import dev.postern.queue.MailAttributes;
import dev.postern.queue.MessageTimes;
import dev.postern.tables.LookupException;

class QueueManagerTest {
    private static final Instant NOW = Instant.parse("2026-11-28T12:00:00Z");
    private static final String QID = "0123456789AB";
    private static final RetrySchedule SCHEDULE = new RetrySchedule(Duration.ofSeconds(300), Duration.ofSeconds(4000),
        Duration.ofDays(5), Duration.ofDays(2), Duration.ZERO);

    private final Clock clock = Clock.fixed(NOW, ZoneOffset.UTC);
    private final List<String> log = new ArrayList<>();
    private final MailLog mailLog = new MailLog("postern", "mx.example.com", clock, log::add);
    private final RecordingMailetContext context = new RecordingMailetContext();
    private final RecordingNotifications notifications = new RecordingNotifications();
    private final List<Delivery> deliveries = new ArrayList<>();

    /** Routes by domain: a.example → smtp:[a], b.example → lmtp:[b], fail.example → lookup error. */
    private final Router router = (recipient, sender) -> switch (recipient.getDomain().asString()) {
        case "fail.example" -> throw new LookupException("texthash:/etc/transport: cannot read");
        case "nowhere.example" -> new Route("pigeon", "");
        case "lmtp.example" -> new Route("lmtp", "[127.0.0.1]:24");
        default -> new Route("smtp", "[127.0.0.1]:25");
    };

    @Test
    void sentRecipientsAreDoneAndTheMailIsAGhost() throws Exception {
        Mail mail = mail(arrivedAgo(Duration.ZERO), "a@a.example", "b@a.example");

        manager(reply(r -> RecipientResult.sent(r, "2.0.0", "h[127.0.0.1]:25", "250 2.0.0 Ok: queued as X", NOW)))
            .service(mail);

        assertThat(mail.getState()).isEqualTo(Mail.GHOST);
        assertThat(context.sent).isEmpty();
        assertThat(deliveries).singleElement().satisfies(d -> assertThat(d.recipients()).hasSize(2));
        assertThat(log).containsExactly(
            "Nov 28 12:00:00 mx postern/smtp[" + pid() + "]: " + QID
                + ": to=<a@a.example>, relay=h[127.0.0.1]:25, delay=0, delays=0/0/0/0, dsn=2.0.0, status=sent (250 2.0.0 Ok: queued as X)",
            "Nov 28 12:00:00 mx postern/smtp[" + pid() + "]: " + QID
                + ": to=<b@a.example>, relay=h[127.0.0.1]:25, delay=0, delays=0/0/0/0, dsn=2.0.0, status=sent (250 2.0.0 Ok: queued as X)");
    }

    @Test
    void aProbesResultsGoToTheVerificationCacheAndNothingIsBouncedOrRetried() throws Exception {
        Mail mail = mail(arrivedAgo(Duration.ZERO), "ok@a.example", "bad@a.example", "later@a.example");
        mail.setAttribute(new Attribute(MailAttributes.ADDRESS_PROBE, AttributeValue.of(true)));
        VerifyService verify = new VerifyService(dev.postern.verify.VerifyCache.inMemory(new dev.postern.verify.VerifyCache.Settings(
            Duration.ofDays(31), Duration.ofDays(7), true, Duration.ofDays(3), Duration.ofHours(3)), clock), "double-bounce@x");
        QueueManager manager = manager(reply(r -> switch (r.getLocalPart()) {
            case "ok" -> RecipientResult.sent(r, "2.1.5", "h[127.0.0.1]:25", "250 2.1.5 Ok", NOW);
            case "bad" -> RecipientResult.bounced(r, "5.1.1", "h[127.0.0.1]:25", "host h[127.0.0.1] said: 550 5.1.1 no", NOW);
            default -> RecipientResult.deferred(r, "4.4.1", "none", "connect to h[127.0.0.1]:25: Connection refused", NOW);
        }));
        manager.setVerifyService(verify);

        manager.service(mail);

        assertThat(mail.getState()).isEqualTo(Mail.GHOST);
        assertThat(context.sent).as("no retry, no bounce").isEmpty();
        assertThat(notifications.nonDelivery).isEmpty();
        assertThat(log).anyMatch(line -> line.endsWith("to=<ok@a.example>, relay=h[127.0.0.1]:25, delay=0, delays=0/0/0/0,"
            + " dsn=2.1.5, status=deliverable (250 2.1.5 Ok)"));
        assertThat(log).anyMatch(line -> line.contains("to=<bad@a.example>") && line.contains("status=undeliverable (host"));
        assertThat(log).anyMatch(line -> line.contains("to=<later@a.example>") && line.contains("status=undeliverable (connect"));
        verify.attach(address -> { });
        assertThat(verify.query("ok@a.example").status()).isEqualTo(dev.postern.verify.VerifyStatus.Status.DELIVERABLE);
        assertThat(verify.query("bad@a.example")).isEqualTo(new dev.postern.verify.VerifyStatus(
            dev.postern.verify.VerifyStatus.Status.UNDELIVERABLE, "host h[127.0.0.1] said: 550 5.1.1 no"));
        assertThat(verify.query("later@a.example").status()).isEqualTo(dev.postern.verify.VerifyStatus.Status.DEFERRED);
    }

    @Test
    void recipientsOnDifferentRoutesAreDeliveredSeparatelyUnderOneQueueId() throws Exception {
        Mail mail = mail(arrivedAgo(Duration.ZERO), "a@a.example", "l@lmtp.example", "c@a.example");

        manager(reply(r -> RecipientResult.sent(r, "2.0.0", "x", "ok", NOW))).service(mail);

        assertThat(deliveries).extracting(Delivery::route)
            .containsExactly(new Route("smtp", "[127.0.0.1]:25"), new Route("lmtp", "[127.0.0.1]:24"));
        assertThat(deliveries.get(0).recipients()).extracting(MailAddress::asString).containsExactly("a@a.example", "c@a.example");
        assertThat(deliveries).extracting(Delivery::queueId).containsOnly(QID);
        assertThat(log).anyMatch(line -> line.contains("postern/lmtp[") && line.contains("to=<l@lmtp.example>"));
    }

    @Test
    void aFilterDecisionSendsEveryRecipientToTheContentFilter() throws Exception {
        Mail mail = mail(arrivedAgo(Duration.ZERO), "a@a.example", "l@lmtp.example", "x@fail.example");
        mail.setAttribute(new Attribute(MailAttributes.FILTER, AttributeValue.of("smtp:[127.0.0.1]:10025")));

        manager(reply(r -> RecipientResult.sent(r, "2.0.0", "x", "ok", NOW))).service(mail);

        assertThat(deliveries).singleElement().satisfies(d -> {
            assertThat(d.route()).isEqualTo(new Route("smtp", "[127.0.0.1]:10025"));
            assertThat(d.recipients()).hasSize(3);
        });
    }

    @Test
    void duplicateRecipientsAreDeliveredOnce() throws Exception {
        Mail mail = mail(arrivedAgo(Duration.ZERO), "a@a.example", "A@A.example");

        manager(reply(r -> RecipientResult.sent(r, "2.0.0", "x", "ok", NOW))).service(mail);

        assertThat(deliveries).singleElement().satisfies(d -> assertThat(d.recipients()).hasSize(1));
        assertThat(log).hasSize(1);
    }

    @Test
    void bouncedRecipientsGetOneNonDeliveryNotification() throws Exception {
        Mail mail = mail(arrivedAgo(Duration.ZERO), "a@a.example", "b@a.example", "c@a.example");

        manager(reply(r -> r.getLocalPart().equals("b")
            ? RecipientResult.sent(r, "2.0.0", "x", "ok", NOW)
            : RecipientResult.bounced(r, "5.1.1", "x", "host x said: 550 5.1.1 no", NOW))).service(mail);

        assertThat(notifications.nonDelivery).singleElement().satisfies(failed ->
            assertThat(failed).extracting(result -> result.recipient().asString()).containsExactly("a@a.example", "c@a.example"));
        assertThat(context.sent).extracting(RecordingMailetContext.Sent::mail).containsExactly(notifications.notice);
        assertThat(mail.getState()).isEqualTo(Mail.GHOST);
    }

    @Test
    void deferredRecipientsAreQueuedAgainAfterTheMinimalBackoffWithTheirReasons() throws Exception {
        Mail mail = mail(arrivedAgo(Duration.ofSeconds(10)), "a@a.example", "b@a.example");

        manager(reply(r -> r.getLocalPart().equals("a")
            ? RecipientResult.sent(r, "2.0.0", "x", "ok", NOW)
            : RecipientResult.deferred(r, "4.4.1", "none", "connect to x[127.0.0.1]:25: Connection refused", NOW)))
            .service(mail);

        assertThat(context.sent).singleElement().satisfies(sent -> {
            assertThat(sent.processor()).isEqualTo("transport");
            assertThat(sent.unit().toSeconds(sent.delay())).isEqualTo(300);
            assertThat(sent.mail().getRecipients()).extracting(MailAddress::asString).containsExactly("b@a.example");
            assertThat(sent.mail().getAttribute(MailAttributes.DELIVERY_ATTEMPTS).map(a -> (Object) a.getValue().getValue()))
                .contains(1L);
            assertThat(reasons(sent.mail())).containsEntry("b@a.example",
                "4.4.1 connect to x[127.0.0.1]:25: Connection refused");
        });
        assertThat(notifications.nonDelivery).isEmpty();
        assertThat(log).anyMatch(line -> line.contains("to=<b@a.example>, relay=none, delay=10,")
            && line.endsWith("dsn=4.4.1, status=deferred (connect to x[127.0.0.1]:25: Connection refused)"));
    }

    @Test
    void aMailWhoseReleaseTimeIsAheadGoesBackUntilThenWithoutAnAttempt() throws Exception {
        Mail mail = mail(arrivedAgo(Duration.ofSeconds(10)), "a@a.example");
        mail.setAttribute(new Attribute(MailAttributes.RELEASE_AT, AttributeValue.of(NOW.plusSeconds(3).plusMillis(250).toString())));

        manager(reply(r -> RecipientResult.sent(r, "2.0.0", "x", "ok", NOW))).service(mail);

        assertThat(deliveries).isEmpty();
        assertThat(context.sent).singleElement().satisfies(sent -> {
            assertThat(sent.processor()).isEqualTo("transport");
            assertThat(sent.unit().toMillis(sent.delay())).isEqualTo(3250);
            assertThat(sent.mail().getAttribute(MailAttributes.DELIVERY_ATTEMPTS)).isEmpty();
        });
        assertThat(mail.getState()).isEqualTo(Mail.GHOST);
        assertThat(log).isEmpty();
    }

    @Test
    void aMailWhoseReleaseTimeHasComeIsDelivered() throws Exception {
        Mail mail = mail(arrivedAgo(Duration.ofSeconds(10)), "a@a.example");
        mail.setAttribute(new Attribute(MailAttributes.RELEASE_AT, AttributeValue.of(NOW.toString())));

        manager(reply(r -> RecipientResult.sent(r, "2.0.0", "x", "ok", NOW))).service(mail);

        assertThat(deliveries).hasSize(1);
        assertThat(context.sent).isEmpty();
    }

    /** lmtp opens at 10:00 UTC for an hour; it is 12:00. */
    private static DeliveryWindows lmtpWindow() throws Exception {
        return DeliveryWindows.parse("windows", List.of("lmtp  10:00-11:00 UTC"), ZoneOffset.UTC);
    }

    @Test
    void recipientsOutsideTheirDestinationsWindowWaitForItUntriedAndUncounted() throws Exception {
        Mail mail = mail(arrivedAgo(Duration.ofSeconds(10)), "x@lmtp.example", "y@a.example");

        manager(reply(r -> RecipientResult.sent(r, "2.0.0", "x", "ok", NOW)), lmtpWindow()).service(mail);

        assertThat(deliveries).singleElement().satisfies(delivery ->
            assertThat(delivery.recipients()).extracting(MailAddress::asString).containsExactly("y@a.example"));
        assertThat(context.sent).singleElement().satisfies(sent -> {
            assertThat(sent.unit().toSeconds(sent.delay())).isEqualTo(Duration.ofHours(22).toSeconds());
            assertThat(sent.mail().getRecipients()).extracting(MailAddress::asString).containsExactly("x@lmtp.example");
            assertThat(sent.mail().getAttribute(MailAttributes.DELIVERY_ATTEMPTS)).isEmpty();
            assertThat(reasons(sent.mail())).containsEntry("x@lmtp.example",
                "4.4.0 outside delivery window until 2026-11-29T10:00:00Z");
        });
        assertThat(log).anyMatch(line -> line.contains("postern/qmgr[") && line.contains("to=<x@lmtp.example>, relay=none,")
            && line.endsWith("dsn=4.4.0, status=deferred (outside delivery window until 2026-11-29T10:00:00Z)"));
    }

    @Test
    void waitingForAWindowDoesNotExpireAMessage() throws Exception {
        Mail mail = mail(arrivedAgo(Duration.ofDays(6)), "x@lmtp.example");

        manager(reply(r -> RecipientResult.sent(r, "2.0.0", "x", "ok", NOW)), lmtpWindow()).service(mail);

        assertThat(notifications.nonDelivery).isEmpty();
        assertThat(context.sent).singleElement().satisfies(sent ->
            assertThat(sent.mail().getRecipients()).extracting(MailAddress::asString).containsExactly("x@lmtp.example"));
    }

    @Test
    void aFailedRecipientBesideAWaitingOneCountsAnAttemptAndComesBackAtTheBackoff() throws Exception {
        Mail mail = mail(arrivedAgo(Duration.ofSeconds(10)), "x@lmtp.example", "y@a.example");

        manager(reply(r -> RecipientResult.deferred(r, "4.4.1", "none", "connect refused", NOW)), lmtpWindow()).service(mail);

        assertThat(context.sent).singleElement().satisfies(sent -> {
            assertThat(sent.unit().toSeconds(sent.delay())).isEqualTo(300);
            assertThat(sent.mail().getRecipients()).extracting(MailAddress::asString)
                .containsExactlyInAnyOrder("x@lmtp.example", "y@a.example");
            assertThat(sent.mail().getAttribute(MailAttributes.DELIVERY_ATTEMPTS).map(a -> (Object) a.getValue().getValue()))
                .contains(1L);
        });
    }

    @Test
    void anOpenWindowLetsTheMailGo() throws Exception {
        Mail mail = mail(arrivedAgo(Duration.ofSeconds(10)), "x@lmtp.example");
        DeliveryWindows open = DeliveryWindows.parse("windows", List.of("lmtp  11:30-12:30 UTC"), ZoneOffset.UTC);

        manager(reply(r -> RecipientResult.sent(r, "2.0.0", "x", "ok", NOW)), open).service(mail);

        assertThat(deliveries).hasSize(1);
        assertThat(context.sent).isEmpty();
    }

    @Test
    void theBackoffGrowsWithTheMessageAgeUpToTheMaximum() throws Exception {
        assertThat(delayAfterDeferral(Duration.ofSeconds(1000))).isEqualTo(1000);
        assertThat(delayAfterDeferral(Duration.ofHours(3))).isEqualTo(4000);
    }

    @Test
    void aMessageOlderThanItsLifetimeExpiresAndIsReturnedToItsSender() throws Exception {
        Mail mail = mail(arrivedAgo(Duration.ofDays(5).plusSeconds(1)), "a@a.example");

        manager(reply(r -> RecipientResult.deferred(r, "4.4.1", "none", "connect refused", NOW))).service(mail);

        assertThat(log).contains("Nov 28 12:00:00 mx postern/qmgr[" + pid() + "]: " + QID
            + ": from=<sender@example.org>, status=expired, returned to sender");
        assertThat(notifications.nonDelivery).singleElement().satisfies(failed ->
            assertThat(failed).extracting(result -> result.recipient().asString()).containsExactly("a@a.example"));
        assertThat(context.sent).extracting(RecordingMailetContext.Sent::mail).containsExactly(notifications.notice);
    }

    @Test
    void aBounceUsesTheShorterBounceQueueLifetime() throws Exception {
        Mail mail = mail(arrivedAgo(Duration.ofDays(3)), MaybeSender.nullSender(), "a@a.example");

        manager(reply(r -> RecipientResult.deferred(r, "4.4.1", "none", "connect refused", NOW))).service(mail);

        assertThat(notifications.nonDelivery).hasSize(1);
        assertThat(log).anyMatch(line -> line.endsWith("from=<>, status=expired, returned to sender"));
    }

    @Test
    void aRouteThatCannotBeLookedUpOrAMissingTransportDefers() throws Exception {
        Mail mail = mail(arrivedAgo(Duration.ZERO), "a@fail.example", "b@nowhere.example");

        manager(reply(r -> RecipientResult.sent(r, "2.0.0", "x", "ok", NOW))).service(mail);

        assertThat(deliveries).isEmpty();
        assertThat(context.sent).singleElement().satisfies(sent ->
            assertThat(reasons(sent.mail())).containsEntry("a@fail.example", "4.3.0 address resolver failure")
                .containsEntry("b@nowhere.example", "4.3.0 mail transport unavailable"));
        assertThat(log).allMatch(line -> line.contains("postern/qmgr[") && line.contains("status=deferred"));
    }

    @Test
    void aCourierThatThrowsOrForgetsARecipientDefersRatherThanLoses() throws Exception {
        Mail thrown = mail(arrivedAgo(Duration.ZERO), "a@a.example");
        manager(courier(delivery -> {
            throw new IllegalStateException("socket factory broken");
        })).service(thrown);
        assertThat(reasons(context.sent.get(0).mail())).containsEntry("a@a.example",
            "4.3.0 delivery agent failure: socket factory broken");

        Mail forgotten = mail(arrivedAgo(Duration.ZERO), "a@a.example", "b@a.example");
        manager(courier(delivery -> List.of(RecipientResult.sent(delivery.recipients().get(0), "2.0.0", "x", "ok", NOW))))
            .service(forgotten);
        assertThat(context.sent.get(1).mail().getRecipients()).extracting(MailAddress::asString).containsExactly("b@a.example");
    }

    @Test
    void softBounceTurnsBouncesIntoDeferrals() throws Exception {
        Mail mail = mail(arrivedAgo(Duration.ZERO), "a@a.example");

        manager(reply(r -> RecipientResult.bounced(r, "5.1.1", "x", "550 no", NOW)), true).service(mail);

        assertThat(notifications.nonDelivery).isEmpty();
        assertThat(reasons(context.sent.get(0).mail())).containsEntry("a@a.example", "4.1.1 550 no");
    }

    @Test
    void whenTheDeferralCannotBeQueuedTheMailKeepsItsUnsettledRecipientsAndFails() throws Exception {
        Mail mail = mail(arrivedAgo(Duration.ZERO), "a@a.example", "b@a.example", "c@a.example");
        context.failing = true;

        assertThatThrownBy(() -> manager(reply(r -> switch (r.getLocalPart()) {
            case "a" -> RecipientResult.sent(r, "2.0.0", "x", "ok", NOW);
            case "b" -> RecipientResult.bounced(r, "5.1.1", "x", "550 no", NOW);
            default -> RecipientResult.deferred(r, "4.4.1", "x", "refused", NOW);
        })).service(mail)).isInstanceOf(MessagingException.class);

        assertThat(mail.getRecipients()).extracting(MailAddress::asString).containsExactlyInAnyOrder("b@a.example", "c@a.example");
        assertThat(mail.getState()).isNotEqualTo(Mail.GHOST);
    }

    @Test
    void aDelayWarningGoesOutOnceAfterDelayWarningTime() throws Exception {
        RetrySchedule warning = new RetrySchedule(Duration.ofSeconds(300), Duration.ofSeconds(4000), Duration.ofDays(5),
            Duration.ofDays(5), Duration.ofHours(4));
        Courier deferring = reply(r -> RecipientResult.deferred(r, "4.4.1", "x", "refused", NOW));
        Mail young = mail(arrivedAgo(Duration.ofHours(1)), "a@a.example");
        manager(deferring, false, warning).service(young);
        assertThat(notifications.delayed).isEmpty();

        Mail old = mail(arrivedAgo(Duration.ofHours(5)), "a@a.example");
        manager(deferring, false, warning).service(old);
        assertThat(notifications.delayed).hasSize(1);
        Mail requeued = context.sent.stream().filter(sent -> sent.mail() == old).findFirst().orElseThrow().mail();
        assertThat(requeued.getAttribute(MailAttributes.DELAY_WARNED)).isPresent();

        manager(deferring, false, warning).service(requeued);
        assertThat(notifications.delayed).hasSize(1);
    }

    @Test
    void notifySuccessAsksForADeliveryReport() throws Exception {
        Mail mail = mail(arrivedAgo(Duration.ZERO), "a@a.example", "b@a.example");
        MailAddress a = new MailAddress("a@a.example");
        mail.setDsnParameters(DsnParameters.builder()
            .addRcptParameter(a, DsnParameters.RecipientDsnParameters.of(java.util.EnumSet.of(DsnParameters.Notify.SUCCESS)))
            .build().orElseThrow());

        manager(reply(r -> RecipientResult.sent(r, "2.0.0", "x", "ok", NOW))).service(mail);

        assertThat(notifications.success).singleElement().satisfies(delivered ->
            assertThat(delivered).extracting(RecipientResult::recipient).containsExactly(a));
    }

    private long delayAfterDeferral(Duration age) throws Exception {
        context.sent.clear();
        Mail mail = mail(arrivedAgo(age), "a@a.example");
        manager(reply(r -> RecipientResult.deferred(r, "4.4.1", "x", "refused", NOW))).service(mail);
        RecordingMailetContext.Sent sent = context.sent.get(0);
        return sent.unit().toSeconds(sent.delay());
    }

    private QueueManager manager(Courier smtp) throws MessagingException {
        return manager(smtp, false);
    }

    private QueueManager manager(Courier smtp, boolean softBounce) throws MessagingException {
        return manager(smtp, softBounce, SCHEDULE);
    }

    private QueueManager manager(Courier smtp, boolean softBounce, RetrySchedule schedule) throws MessagingException {
        return manager(smtp, softBounce, schedule, DeliveryWindows.NONE);
    }

    private QueueManager manager(Courier smtp, DeliveryWindows windows) throws MessagingException {
        return manager(smtp, false, SCHEDULE, windows);
    }

    private QueueManager manager(Courier smtp, boolean softBounce, RetrySchedule schedule, DeliveryWindows windows)
            throws MessagingException {
        Courier recording = new Courier() {
            @Override
            public List<RecipientResult> deliver(Delivery delivery) {
                deliveries.add(delivery);
                return smtp.deliver(delivery);
            }

            @Override
            public String service() {
                return "smtp";
            }
        };
        Courier lmtp = new Courier() {
            @Override
            public List<RecipientResult> deliver(Delivery delivery) {
                deliveries.add(delivery);
                return smtp.deliver(delivery);
            }

            @Override
            public String service() {
                return "lmtp";
            }
        };
        MessageDelivery delivery = new MessageDelivery(router, Map.of("smtp", recording, "lmtp", lmtp),
            new DeliveryLog(mailLog, clock), softBounce, clock, windows);
        QueueManager manager = new QueueManager(clock, delivery, notifications, schedule, mailLog);
        manager.init(FakeMailetConfig.builder().mailetName("QueueManager").mailetContext(context.context()).build());
        return manager;
    }

    private static Courier reply(Function<MailAddress, RecipientResult> answer) {
        return courier(delivery -> delivery.recipients().stream().map(answer).toList());
    }

    private static Courier courier(Function<Delivery, List<RecipientResult>> answer) {
        return new Courier() {
            @Override
            public List<RecipientResult> deliver(Delivery delivery) {
                return answer.apply(delivery);
            }

            @Override
            public String service() {
                return "smtp";
            }
        };
    }

    private static Instant arrivedAgo(Duration age) {
        return NOW.minus(age);
    }

    private static Mail mail(Instant arrival, String... recipients) throws Exception {
        return mail(arrival, MaybeSender.getMailSender("sender@example.org"), recipients);
    }

    private static Mail mail(Instant arrival, MaybeSender sender, String... recipients) throws Exception {
        List<MailAddress> addresses = new ArrayList<>();
        for (String recipient : recipients) {
            addresses.add(new MailAddress(recipient));
        }
        FakeMail mail = FakeMail.builder().name(QID).sender(sender)
            .recipients(addresses).build();
        MessageTimes.stamp(mail, arrival, arrival);
        return mail;
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> reasons(Mail mail) {
        Map<String, AttributeValue<?>> map = (Map<String, AttributeValue<?>>) mail.getAttribute(MailAttributes.DEFER_REASONS)
            .map(Attribute::getValue).map(AttributeValue::getValue).orElseThrow();
        Map<String, Object> plain = new java.util.LinkedHashMap<>();
        map.forEach((key, value) -> plain.put(key, value.getValue()));
        return plain;
    }

    private static long pid() {
        return ProcessHandle.current().pid();
    }

    private static final class RecordingNotifications implements Notifications {
        final List<List<RecipientResult>> nonDelivery = new ArrayList<>();
        final List<List<RecipientResult>> delayed = new ArrayList<>();
        final List<List<RecipientResult>> success = new ArrayList<>();
        final Mail notice = notice();

        private static Mail notice() {
            try {
                return FakeMail.builder().name("NOTICE").build();
            } catch (MessagingException e) {
                throw new IllegalStateException(e);
            }
        }

        @Override
        public List<Mail> nonDelivery(Mail original, String queueId, List<RecipientResult> failed) {
            nonDelivery.add(failed);
            return List.of(notice);
        }

        @Override
        public List<Mail> delayWarning(Mail original, String queueId, List<RecipientResult> delayed) {
            this.delayed.add(delayed);
            return List.of();
        }

        @Override
        public List<Mail> success(Mail original, String queueId, List<RecipientResult> delivered) {
            success.add(delivered);
            return List.of();
        }
    }
}
