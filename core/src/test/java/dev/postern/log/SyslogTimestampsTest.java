package dev.postern.log;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;

import org.junit.jupiter.api.Test;

class SyslogTimestampsTest {
    /** A clock whose time the test sets. */
    private static final class SetClock extends Clock {
        private final ZoneId zone;
        Instant now;

        SetClock(Instant now, ZoneId zone) {
            this.now = now;
            this.zone = zone;
        }

        @Override
        public ZoneId getZone() {
            return zone;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            return new SetClock(now, zone);
        }

        @Override
        public Instant instant() {
            return now;
        }
    }

    @Test
    void theSecondIsFormattedInTheClocksZoneWithTheDaySpacePadded() {
        SetClock clock = new SetClock(Instant.parse("2026-11-08T14:03:07.250Z"), ZoneId.of("Europe/Berlin"));

        assertThat(new SyslogTimestamps(clock).now()).isEqualTo("Nov  8 15:03:07");
    }

    @Test
    void everyLineOfOneSecondGetsItsTimeAndTheNextSecondItsOwn() {
        SetClock clock = new SetClock(Instant.parse("2026-12-24T23:59:59.100Z"), ZoneOffset.UTC);
        SyslogTimestamps timestamps = new SyslogTimestamps(clock);

        assertThat(timestamps.now()).isEqualTo("Dec 24 23:59:59");
        clock.now = Instant.parse("2026-12-24T23:59:59.999Z");
        assertThat(timestamps.now()).isEqualTo("Dec 24 23:59:59");
        clock.now = Instant.parse("2026-12-25T00:00:00.001Z");
        assertThat(timestamps.now()).isEqualTo("Dec 25 00:00:00");
        clock.now = Instant.parse("2026-12-24T23:59:58.500Z");
        assertThat(timestamps.now()).as("a clock set back").isEqualTo("Dec 24 23:59:58");
    }
}
