package dev.postern.smtpd;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;

import org.junit.jupiter.api.Test;

/** Events per client in fixed windows, as Postfix's anvil counts them. */
class ClientEventRateTest {
    /** A clock the test moves. */
    private static final class ManualClock extends Clock {
        private Instant now = Instant.parse("2026-01-01T00:00:00Z");

        void advance(Duration duration) {
            now = now.plus(duration);
        }

        @Override
        public Instant instant() {
            return now;
        }

        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            return this;
        }
    }

    private final ManualClock clock = new ManualClock();
    private final ClientEventRate rate = new ClientEventRate(Duration.ofMinutes(1), clock);

    @Test
    void eventsAreCountedPerClientWithinTheWindow() {
        assertThat(rate.record("192.0.2.1")).isEqualTo(1);
        assertThat(rate.record("192.0.2.1")).isEqualTo(2);
        assertThat(rate.record("192.0.2.2")).isEqualTo(1);
        clock.advance(Duration.ofSeconds(59));
        assertThat(rate.record("192.0.2.1")).isEqualTo(3);
    }

    @Test
    void aNewWindowStartsAtTheFirstEventAfterTheLastOneEnded() {
        rate.record("192.0.2.1");
        rate.record("192.0.2.1");
        clock.advance(Duration.ofSeconds(60));

        assertThat(rate.record("192.0.2.1")).isEqualTo(1);
        clock.advance(Duration.ofSeconds(30));
        assertThat(rate.record("192.0.2.1")).isEqualTo(2);
    }

    @Test
    void manyDistinctClientsDoNotKeepEachOthersCounts() {
        for (int i = 0; i < 10_050; i++) {
            rate.record("client-" + i);
        }
        clock.advance(Duration.ofMinutes(2));

        assertThat(rate.record("client-1")).isEqualTo(1);
        assertThat(rate.record("client-new")).isEqualTo(1);
    }
}
