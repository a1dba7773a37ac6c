package dev.postern.app.queue;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;

import org.junit.jupiter.api.Test;

import dev.postern.testing.time.MutableClock;

class IdGeneratorTest {
    private final MutableClock clock = new MutableClock(Instant.ofEpochMilli(0x0190c3f2a1b4L));
    private final IdGenerator ids = new IdGenerator(clock);

    @Test
    void anIdIsTheMillisecondsTheCounterAndTheRunPrefixInFixedWidthLowerCaseHex() {
        String first = ids.next();
        String second = ids.next();

        assertThat(first).startsWith("0190c3f2a1b4-00000000-").matches(IdGenerator::isValid);
        assertThat(second).startsWith("0190c3f2a1b4-00000001-").matches(IdGenerator::isValid);
        assertThat(second.substring(22)).as("the run prefix").isEqualTo(first.substring(22));
    }

    @Test
    void idsSortByTimeAndStayValidWhenTheClockHasFewDigits() {
        MutableClock early = new MutableClock(Instant.ofEpochMilli(5));
        IdGenerator generator = new IdGenerator(early);
        String first = generator.next();
        early.advance(Duration.ofMillis(0x100));
        String later = generator.next();

        assertThat(first).startsWith("000000000005-00000000-").matches(IdGenerator::isValid);
        assertThat(later).startsWith("000000000105-00000001-").matches(IdGenerator::isValid);
        assertThat(later).isGreaterThan(first);
    }
}
