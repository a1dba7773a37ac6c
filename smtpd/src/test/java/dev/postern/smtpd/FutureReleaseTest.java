package dev.postern.smtpd;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Map;

import org.apache.james.protocols.api.BaseRequest;
import org.apache.james.protocols.smtp.SMTPSession;
import org.apache.james.protocols.smtp.hook.HookResult;
import org.apache.james.protocols.smtp.hook.HookReturnCode;
import org.apache.james.server.core.MailImpl;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import dev.postern.queue.MailAttributes;

class FutureReleaseTest {
    private static final int SUBMISSION = 587;
    private static final Instant NOW = Instant.parse("2026-12-07T18:00:00.400Z");
    /** Off in main.cf (port 25), a week on submission. */
    private final FutureRelease hook = new FutureRelease(new PerListener<>(Duration.ZERO,
        Map.of(SUBMISSION, Duration.ofDays(7))), Clock.fixed(NOW, ZoneOffset.UTC));

    @Test
    void ehloAnnouncesTheIntervalAndTheLatestDateTimeOnlyWhereOffered() {
        assertThat(hook.getImplementedEsmtpFeatures(FakeSessions.onListener(SUBMISSION)))
            .containsExactly("FUTURERELEASE 604800 2026-12-14T18:00:00Z");
        assertThat(hook.getImplementedEsmtpFeatures(FakeSessions.onListener(25))).isEmpty();
    }

    @Test
    void holdForAndHoldUntilGoWithTheMail() throws Exception {
        SMTPSession session = FakeSessions.onListener(SUBMISSION);
        assertThat(hook.doMailParameter(session, "HOLDFOR", "3")).isEqualTo(HookResult.DECLINED);
        MailImpl mail = MailImpl.builder().name("m").build();

        FutureRelease.applyTo(session, mail);

        assertThat(mail.getAttribute(MailAttributes.RELEASE_AT).map(attribute -> (Object) attribute.getValue().value()))
            .contains("2026-12-07T18:00:03.400Z");
        assertThat(FutureRelease.holdUntil("2026-12-08T01:30:00+02:00")).contains(Instant.parse("2026-12-07T23:30:00Z"));
        assertThat(FutureRelease.holdUntil("2026-12-08t01:30:00.5z")).contains(Instant.parse("2026-12-08T01:30:00.5Z"));
    }

    @ParameterizedTest(name = "{0}={1} -> {2} {3}")
    @CsvSource(delimiter = '|', textBlock = """
        HOLDFOR   | ''                     | 501 | 5.5.4 Bad HOLDFOR parameter syntax
        HOLDFOR   | -5                     | 501 | 5.5.4 Bad HOLDFOR parameter syntax
        HOLDFOR   | 1234567890             | 501 | 5.5.4 Bad HOLDFOR parameter syntax
        HOLDFOR   | 3s                     | 501 | 5.5.4 Bad HOLDFOR parameter syntax
        HOLDUNTIL | 2026-12-08             | 501 | 5.5.4 Bad HOLDUNTIL parameter syntax
        HOLDUNTIL | 2026-12-08T10:00:00    | 501 | 5.5.4 Bad HOLDUNTIL parameter syntax
        HOLDUNTIL | 2026-13-08T10:00:00Z   | 501 | 5.5.4 Bad HOLDUNTIL parameter syntax
        HOLDFOR   | 604801                 | 554 | 5.5.4 HOLDFOR is more than 604800 seconds ahead
        HOLDUNTIL | 2026-12-15T00:00:00Z   | 554 | 5.5.4 HOLDUNTIL is more than 604800 seconds ahead
        HOLDUNTIL | 2026-12-07T17:59:59Z   | 554 | 5.5.4 HOLDUNTIL is in the past
        """)
    void badOrOutOfRangeRequestsGetTheirReply(String name, String value, String code, String text) {
        HookResult result = hook.doMailParameter(FakeSessions.onListener(SUBMISSION), name, value);

        assertThat(result.getResult()).isEqualTo(HookReturnCode.deny());
        assertThat(result.getSmtpRetCode()).isEqualTo(code);
        assertThat(result.getSmtpDescription()).isEqualTo(text);
    }

    @Test
    void bothParametersAreRefused() {
        SMTPSession session = FakeSessions.onListener(SUBMISSION);
        hook.doMailParameter(session, "HOLDFOR", "60");

        HookResult second = hook.doMailParameter(session, "HOLDUNTIL", "2026-12-08T00:00:00Z");

        assertThat(second.getSmtpRetCode()).isEqualTo("501");
        assertThat(second.getSmtpDescription()).isEqualTo("5.5.4 Only one of HOLDFOR and HOLDUNTIL may be given");
    }

    @Test
    void aReleaseReadForAMailThatWasRefusedDoesNotCountForTheNextMail() {
        SMTPSession session = FakeSessions.onListener(SUBMISSION);
        CommandArguments arguments = new CommandArguments();
        arguments.onCommand(session, new BaseRequest("MAIL", "FROM:<a@example.com> HOLDFOR=60 HOLDUNTIL=x"));
        hook.doMailParameter(session, "HOLDFOR", "60");
        assertThat(hook.doMailParameter(session, "HOLDUNTIL", "x").getSmtpRetCode()).isEqualTo("501");

        arguments.onCommand(session, new BaseRequest("MAIL", "FROM:<a@example.com>"));
        MailImpl mail = MailImpl.builder().name("m").build();
        FutureRelease.applyTo(session, mail);
        assertThat(mail.getAttribute(MailAttributes.RELEASE_AT)).isEmpty();

        arguments.onCommand(session, new BaseRequest("MAIL", "FROM:<a@example.com> HOLDFOR=5"));
        assertThat(hook.doMailParameter(session, "HOLDFOR", "5")).isEqualTo(HookResult.DECLINED);
        FutureRelease.applyTo(session, mail);
        assertThat(mail.getAttribute(MailAttributes.RELEASE_AT).map(attribute -> (Object) attribute.getValue().value()))
            .contains("2026-12-07T18:00:05.400Z");
    }

    @Test
    void aListenerThatDoesNotOfferItRefusesTheParameter() {
        HookResult result = hook.doMailParameter(FakeSessions.onListener(25), "HOLDFOR", "60");

        assertThat(result.getSmtpRetCode()).isEqualTo("555");
        assertThat(result.getSmtpDescription()).isEqualTo("5.5.4 Unsupported option: HOLDFOR");
    }
}
