package dev.postern.smtpd;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.atomic.AtomicReference;

import org.apache.james.protocols.smtp.SMTPSession;
import org.junit.jupiter.api.Test;

import dev.postern.config.Generation;

/** A session keeps the configuration generation it first asked for, whatever reloads follow. */
class SessionGenerationTest {
    @Test
    void theFirstAskPinsTheSessionAndLaterSessionsGetTheCurrentOne() {
        Generation start = new Generation(0, null, null);
        AtomicReference<Generation> current = new AtomicReference<>(start);
        SMTPSession open = FakeSmtpSession.client("192.0.2.10").session();
        assertThat(SessionGeneration.of(open, current::get)).isSameAs(start);

        Generation reloaded = start.next(null, null);
        current.set(reloaded);

        assertThat(SessionGeneration.of(open, current::get)).isSameAs(start);
        assertThat(SessionGeneration.of(FakeSmtpSession.client("192.0.2.11").session(), current::get)).isSameAs(reloaded);
    }

    @Test
    void theGenerationOutlivesTheTransaction() {
        FakeSmtpSession fake = FakeSmtpSession.client("192.0.2.10");
        Generation start = new Generation(0, null, null);
        SessionGeneration.of(fake.session(), () -> start);
        fake.resetTransaction();

        assertThat(SessionGeneration.of(fake.session(), () -> start.next(null, null))).isSameAs(start);
    }
}
