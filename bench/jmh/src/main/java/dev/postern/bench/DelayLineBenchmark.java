package dev.postern.bench;

import java.math.BigDecimal;
import java.math.MathContext;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.TimeUnit;

import org.apache.mailet.AttributeName;
import org.apache.mailet.base.test.FakeMail;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

import dev.postern.queue.MailAttributes;
import dev.postern.queue.MessageTimes;

/**
 * The {@code delay=N, delays=a/b/c/d} part of one delivery line (issue 19: it led the spooler
 * threads' profile): {@link MessageTimes#delays} as it is, and the same five figures formatted the way
 * it did before, through {@code new BigDecimal(double)}, as the baseline. The times are a W1 mail's:
 * sub-second, with sub-millisecond parts.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class DelayLineBenchmark {
    private static final int CASES = 64;

    private final FakeMail[] mails = new FakeMail[CASES];
    private final Instant[][] times = new Instant[CASES][];
    private int next;

    @Setup
    public void mails() throws Exception {
        Instant base = Instant.parse("2026-12-07T20:00:00Z");
        for (int i = 0; i < CASES; i++) {
            Instant arrival = base.plusMillis(i);
            Instant queued = arrival.plusMillis(3 + i % 7);
            Instant start = queued.plusNanos(150_000L + 37_123L * i);
            Instant connected = start.plusNanos(900_000L + 11_311L * i);
            Instant now = connected.plusNanos(2_000_000L + 123_457L * i);
            mails[i] = FakeMail.builder().name("M" + i).build();
            MessageTimes.stamp(mails[i], arrival, queued);
            times[i] = new Instant[] {start, connected, now};
        }
    }

    @Benchmark
    public String delays() {
        int i = next++ & (CASES - 1);
        return MessageTimes.delays(mails[i], times[i][0], times[i][1], times[i][2]);
    }

    @Benchmark
    public String delaysThroughBigDecimal() {
        int i = next++ & (CASES - 1);
        Instant start = times[i][0];
        Instant connected = times[i][1];
        Instant now = times[i][2];
        Instant arrival = read(mails[i], MailAttributes.ARRIVAL);
        Instant queued = read(mails[i], MailAttributes.QUEUED);
        return "delay=" + bigDecimalSeconds(Duration.between(arrival, now))
            + ", delays=" + bigDecimalSeconds(Duration.between(arrival, queued))
            + "/" + bigDecimalSeconds(Duration.between(queued, start))
            + "/" + bigDecimalSeconds(Duration.between(start, connected))
            + "/" + bigDecimalSeconds(Duration.between(connected, now));
    }

    private static Instant read(FakeMail mail, AttributeName name) {
        return Instant.ofEpochMilli((Long) mail.getAttribute(name).orElseThrow().getValue().getValue());
    }

    private static String bigDecimalSeconds(Duration duration) {
        double value = Math.max(0, duration.toNanos() / 1e9);
        if (value == 0) {
            return "0";
        }
        if (value >= 10) {
            return Long.toString(Math.round(value));
        }
        return new BigDecimal(value).round(new MathContext(2)).stripTrailingZeros().toPlainString();
    }
}
