package dev.postern.log;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;

import org.junit.jupiter.api.Test;

import dev.postern.testing.time.MutableClock;

class SyslogTimestampsTest {
    @Test
    void theSecondIsFormattedInTheClocksZoneWithTheDaySpacePadded() {
        MutableClock clock = new MutableClock(Instant.parse("2026-11-08T14:03:07.250Z"), ZoneId.of("Europe/Berlin"));

        assertThat(new SyslogTimestamps(clock).now()).isEqualTo("Nov  8 15:03:07");
    }

    @Test
    void everyLineOfOneSecondGetsItsTimeAndTheNextSecondItsOwn() {
        MutableClock clock = new MutableClock(Instant.parse("2026-12-24T23:59:59.100Z"), ZoneOffset.UTC);
        SyslogTimestamps timestamps = new SyslogTimestamps(clock);

        assertThat(timestamps.now()).isEqualTo("Dec 24 23:59:59");
        clock.set(Instant.parse("2026-12-24T23:59:59.999Z"));
        assertThat(timestamps.now()).isEqualTo("Dec 24 23:59:59");
        clock.set(Instant.parse("2026-12-25T00:00:00.001Z"));
        assertThat(timestamps.now()).isEqualTo("Dec 25 00:00:00");
        clock.set(Instant.parse("2026-12-24T23:59:58.500Z"));
        assertThat(timestamps.now()).as("a clock set back").isEqualTo("Dec 24 23:59:58");
    }
}
