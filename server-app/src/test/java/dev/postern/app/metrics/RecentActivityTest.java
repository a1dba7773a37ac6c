package dev.postern.app.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;

import org.junit.jupiter.api.Test;

import dev.postern.testing.time.MutableClock;

class RecentActivityTest {
    private final MutableClock clock = new MutableClock(Instant.parse("2026-12-07T10:00:30Z"));
    private final RecentActivity activity = new RecentActivity(clock);

    @Test
    void countsPerMinuteTheCurrentMinuteLast() {
        activity.received();
        activity.received();
        clock.advance(Duration.ofMinutes(2));
        activity.received();
        activity.rejected();

        long[] received = activity.receivedPerMinute();
        assertThat(received).hasSize(RecentActivity.MINUTES);
        assertThat(received[59]).isEqualTo(1);
        assertThat(received[58]).isZero();
        assertThat(received[57]).isEqualTo(2);
        assertThat(activity.rejectsPerMinute()[59]).isEqualTo(1);
    }

    @Test
    void forgetsWhatIsOlderThanAnHour() {
        activity.received();
        clock.advance(Duration.ofMinutes(59));
        assertThat(activity.receivedPerMinute()[0]).isEqualTo(1);
        clock.advance(Duration.ofMinutes(1));
        assertThat(Arrays.stream(activity.receivedPerMinute()).sum()).isZero();
        clock.advance(Duration.ofHours(5));
        activity.rejected();
        assertThat(Arrays.stream(activity.rejectsPerMinute()).sum()).isEqualTo(1);
    }
}
