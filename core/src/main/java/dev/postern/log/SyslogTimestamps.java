package dev.postern.log;

import java.time.Clock;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicReference;

/**
 * syslog's timestamp of the current second ({@code "Nov  8 14:03:07"}: the day of the month
 * space-padded), formatted once per second and shared by every line written in it: the mail log
 * writes several lines per message, and formatting a date was a third of writing one.
 */
final class SyslogTimestamps {
    private static final DateTimeFormatter SYSLOG_TIME = DateTimeFormatter.ofPattern("MMM ppd HH:mm:ss", Locale.US);

    /** A second since the epoch and its text. */
    private record Stamp(long second, String text) {
    }

    private final Clock clock;
    private final AtomicReference<Stamp> last = new AtomicReference<>(new Stamp(Long.MIN_VALUE, ""));

    SyslogTimestamps(Clock clock) {
        this.clock = clock;
    }

    /** The timestamp of now, in the clock's zone. */
    String now() {
        Instant now = clock.instant();
        long second = now.getEpochSecond();
        Stamp stamp = last.get();
        if (stamp.second() == second) {
            return stamp.text();
        }
        String text = SYSLOG_TIME.format(ZonedDateTime.ofInstant(now, clock.getZone()));
        last.set(new Stamp(second, text));
        return text;
    }
}
