package dev.postern.queue;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;

import org.apache.mailet.base.test.FakeMail;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class MessageTimesTest {
    @ParameterizedTest
    @CsvSource({"0, 0", "4, 0.004", "123, 0.12", "1234, 1.2", "9990, 10", "9400, 9.4", "12345, 12", "0.1, 0.0001"})
    void secondsHaveTwoSignificantDigits(double millis, String expected) {
        assertThat(MessageTimes.seconds(Duration.ofNanos((long) (millis * 1_000_000)))).isEqualTo(expected);
    }

    @Test
    void delaysSplitTheTimeLikePostfix() throws Exception {
        Instant arrival = Instant.parse("2026-11-28T15:00:00Z");
        FakeMail mail = FakeMail.builder().name("A").build();
        MessageTimes.stamp(mail, arrival, arrival.plusMillis(250));

        String delays = MessageTimes.delays(mail, arrival.plusSeconds(2), arrival.plusMillis(2100), arrival.plusSeconds(3));

        assertThat(delays).isEqualTo("delay=3, delays=0.25/1.8/0.1/0.9");
    }

    @Test
    void aMailWithoutTimesCountsFromTheDeliveryStart() throws Exception {
        Instant start = Instant.parse("2026-11-28T15:00:00Z");
        FakeMail mail = FakeMail.builder().name("A").build();

        assertThat(MessageTimes.delays(mail, start, start, start.plusMillis(40))).isEqualTo("delay=0.04, delays=0/0/0/0.04");
    }
}
