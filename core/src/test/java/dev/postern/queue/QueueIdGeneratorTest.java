package dev.postern.queue;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.IntStream;

import org.junit.jupiter.api.Test;

class QueueIdGeneratorTest {
    private static final Clock FROZEN = Clock.fixed(Instant.parse("2026-11-28T15:00:00Z"), ZoneOffset.UTC);

    @Test
    void idsAreTwelveUpperCaseHexDigits() {
        String id = new QueueIdGenerator().next();

        assertThat(id).matches("[0-9A-F]{12}");
        assertThat(QueueIdGenerator.isQueueId(id)).isTrue();
        assertThat(QueueIdGenerator.isQueueId("3f2a")).isFalse();
    }

    @Test
    void anIdIsZeroPaddedToTwelveDigits() {
        Clock early = Clock.fixed(Instant.ofEpochSecond(0, 171_000), ZoneOffset.UTC);

        assertThat(new QueueIdGenerator(early).next()).isEqualTo("0000000000AB");
    }

    @Test
    void aStoppedClockStillGivesDistinctIncreasingIds() {
        QueueIdGenerator generator = new QueueIdGenerator(FROZEN);
        List<String> ids = IntStream.range(0, 1000).mapToObj(i -> generator.next()).toList();

        assertThat(new HashSet<>(ids)).hasSize(1000);
        assertThat(ids).isSorted();
        assertThat(ids.get(0)).isEqualTo(String.format("%012X", (FROZEN.millis() * 1000) & ((1L << 48) - 1)));
    }

    @Test
    void concurrentCallersNeverShareAnId() throws Exception {
        QueueIdGenerator generator = new QueueIdGenerator(FROZEN);
        Set<String> ids = ConcurrentHashMap.newKeySet();
        List<Thread> threads = IntStream.range(0, 8)
            .mapToObj(i -> new Thread(() -> IntStream.range(0, 5000).forEach(j -> ids.add(generator.next()))))
            .toList();
        threads.forEach(Thread::start);
        for (Thread thread : threads) {
            thread.join();
        }

        assertThat(ids).hasSize(40_000);
    }

    @Test
    void theArrivalTimeIsReadBackFromTheId() {
        Instant arrival = Instant.parse("2026-11-28T19:40:31.123456Z");
        String id = new QueueIdGenerator(Clock.fixed(arrival, ZoneOffset.UTC)).next();

        assertThat(QueueIdGenerator.arrivalOf(id, arrival.plusSeconds(5 * 86400))).contains(arrival);
        assertThat(QueueIdGenerator.arrivalOf(id, arrival)).contains(arrival);
        assertThat(QueueIdGenerator.arrivalOf(id, arrival.minusSeconds(60))).as("an ID a little ahead of the clock")
            .contains(arrival);
        assertThat(QueueIdGenerator.arrivalOf("Mail123", arrival)).isEmpty();
    }

    @Test
    void theArrivalBeforeTheLastWrapIsFound() {
        long wrapMicros = 1L << 48;
        Instant wrap = Instant.ofEpochSecond(Math.floorDiv(7 * wrapMicros, 1_000_000L),
            Math.floorMod(7 * wrapMicros, 1_000_000L) * 1000);
        Instant arrival = wrap.minusSeconds(10);
        String id = new QueueIdGenerator(Clock.fixed(arrival, ZoneOffset.UTC)).next();

        assertThat(QueueIdGenerator.arrivalOf(id, wrap.plusSeconds(10))).contains(arrival);
    }

    @Test
    void aMailNameIsLoggedUnderTheQueueIdItStartsWithOrWhole() {
        assertThat(QueueIdGenerator.queueIdOf("3F2A1B4C5D6E")).isEqualTo("3F2A1B4C5D6E");
        assertThat(QueueIdGenerator.queueIdOf("3F2A1B4C5D-to-example.net")).isEqualTo("3F2A1B4C5D");
        assertThat(QueueIdGenerator.queueIdOf("3F2A1B4C5D6E7-x")).isEqualTo("3F2A1B4C5D6E7-x");
        assertThat(QueueIdGenerator.queueIdOf("3f2a1b4c5d6e-to-example.net")).isEqualTo("3f2a1b4c5d6e-to-example.net");
        assertThat(QueueIdGenerator.queueIdOf("Mail1234-5-to-example.net")).isEqualTo("Mail1234-5-to-example.net");
    }
}
