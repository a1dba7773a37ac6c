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

    /**
     * The mail log's readers saw what {@code new BigDecimal(double)} printed before the whole-nanosecond
     * rounding; it must print the same for every duration under 10 s: near each power of ten, on and
     * beside every rounding tie (a 5 in the third digit and zeros after it), and a spread of others.
     */
    @Test
    void underTenSecondsPrintsWhatTheBigDecimalOfTheDoublePrinted() {
        java.util.List<Long> samples = new java.util.ArrayList<>();
        for (long n = 1; n <= 20_000; n++) {
            samples.add(n);
        }
        for (long unit = 1; unit <= 1_000_000_000L; unit *= 10) {
            for (long d = -3; d <= 3; d++) {
                samples.add(unit * 10 + d);
            }
            for (long digits = 10; digits < 100; digits++) {
                long tie = digits * unit * 10 + unit * 5;
                for (long d = -2; d <= 2; d++) {
                    samples.add(tie + d);
                }
            }
        }
        java.util.Random random = new java.util.Random(19);
        for (int i = 0; i < 200_000; i++) {
            long n = 1 + (long) (random.nextDouble() * 9_999_999_998L);
            samples.add(n >> random.nextInt(30));
        }
        samples.removeIf(n -> n <= 0 || n >= 10_000_000_000L);

        for (long nanos : samples) {
            assertThat(MessageTimes.seconds(Duration.ofNanos(nanos))).as("%d ns", nanos).isEqualTo(bigDecimalOfTheDouble(nanos));
        }
    }

    private static String bigDecimalOfTheDouble(long nanos) {
        double value = nanos / 1e9;
        if (value >= 10) {
            return Long.toString(Math.round(value));
        }
        return new java.math.BigDecimal(value).round(new java.math.MathContext(2)).stripTrailingZeros().toPlainString();
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
