package dev.postern.delivery.route;

import java.time.DateTimeException;
import java.time.DayOfWeek;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.time.zone.ZoneOffsetTransition;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * When mail to one destination may go: time ranges on days of the week, in one time zone, as a
 * {@code postern_delivery_windows} entry writes them:
 *
 * <pre>
 *   Mon-Fri 22:00-06:00 Europe/Berlin          weeknights; a range over midnight ends the next morning
 *   Sat,Sun 00:00-24:00 Mon-Fri 12:00-13:00    weekends and lunchtime, in the server's zone
 *   02:00-04:30:30 UTC                         every day (no days: all of them), seconds allowed
 * </pre>
 *
 * Days are {@code Mon}..{@code Sun}, a comma list of days and {@code Day-Day} spans (a span may wrap:
 * {@code Fri-Mon}); each time range belongs to the days before it. The zone, last, is an IANA zone name
 * or an offset ({@code UTC}, {@code +02:00}); without it the server's zone applies. Times are wall-clock
 * times in that zone: across a daylight saving change a window opens at its written time, a time that
 * falls in a skipped hour is the moment the clock resumes, and one in an hour that repeats is its first pass.
 */
public final class DeliveryWindow {
    private static final Pattern RANGE = Pattern.compile(
        "([0-9]{1,2}):([0-9]{2})(?::([0-9]{2}))?-([0-9]{1,2}):([0-9]{2})(?::([0-9]{2}))?");
    private static final Pattern DAYS = Pattern.compile("[A-Za-z]{3}(-[A-Za-z]{3})?(,[A-Za-z]{3}(-[A-Za-z]{3})?)*");
    private static final Map<String, DayOfWeek> DAY_NAMES = Map.of("mon", DayOfWeek.MONDAY, "tue", DayOfWeek.TUESDAY,
        "wed", DayOfWeek.WEDNESDAY, "thu", DayOfWeek.THURSDAY, "fri", DayOfWeek.FRIDAY, "sat", DayOfWeek.SATURDAY,
        "sun", DayOfWeek.SUNDAY);
    private static final int DAY_SECONDS = 24 * 3600;
    /** Far enough back that a range over midnight begun the day before is seen. */
    private static final int DAYS_BACK = 1;
    /** Every window opens at least once a week. */
    private static final int DAYS_AHEAD = 8;

    private final List<Span> spans;
    private final ZoneId zone;
    private final String text;

    /**
     * One time range on some days. {@code end <= start} means the range ends on the next day.
     *
     * @param start seconds into the day, 0 to 86399
     * @param end   seconds into the day, 1 to 86400 (24:00)
     */
    private record Span(Set<DayOfWeek> days, int start, int end) {
    }

    private DeliveryWindow(List<Span> spans, ZoneId zone, String text) {
        this.spans = List.copyOf(spans);
        this.zone = zone;
        this.text = text;
    }

    /**
     * @param defaultZone the zone of a window that names none
     * @throws IllegalArgumentException naming the part of {@code text} that is wrong
     */
    public static DeliveryWindow parse(String text, ZoneId defaultZone) {
        List<String> tokens = new ArrayList<>(List.of(text.trim().split("\\s+")));
        if (tokens.isEmpty() || tokens.get(0).isEmpty()) {
            throw new IllegalArgumentException("no days or time ranges");
        }
        ZoneId zone = defaultZone;
        String last = tokens.get(tokens.size() - 1);
        if (!RANGE.matcher(last).matches() && !isDays(last)) {
            zone = zone(last);
            tokens.remove(tokens.size() - 1);
        }
        List<Span> spans = new ArrayList<>();
        Set<DayOfWeek> days = EnumSet.allOf(DayOfWeek.class);
        boolean daysUsed = true;
        for (String token : tokens) {
            Matcher range = RANGE.matcher(token);
            if (range.matches()) {
                spans.add(span(days, range, token));
                daysUsed = true;
            } else if (DAYS.matcher(token).matches()) {
                if (!daysUsed) {
                    throw new IllegalArgumentException("days before \"" + token + "\" have no time range");
                }
                days = days(token);
                daysUsed = false;
            } else {
                throw new IllegalArgumentException("\"" + token + "\" is neither days (Mon-Fri, Sat,Sun), a time range"
                    + " (22:00-06:00) nor, last, a time zone (Europe/Berlin)");
            }
        }
        if (!daysUsed) {
            throw new IllegalArgumentException("the last days have no time range");
        }
        if (spans.isEmpty()) {
            throw new IllegalArgumentException("no time range");
        }
        return new DeliveryWindow(spans, zone, text.trim());
    }

    /** Whether mail may go at {@code now}. */
    public boolean isOpen(Instant now) {
        LocalDate today = now.atZone(zone).toLocalDate();
        for (LocalDate day = today.minusDays(DAYS_BACK); !day.isAfter(today); day = day.plusDays(1)) {
            for (Span span : spans) {
                if (span.days().contains(day.getDayOfWeek()) && !start(day, span).isAfter(now) && end(day, span).isAfter(now)) {
                    return true;
                }
            }
        }
        return false;
    }

    /** {@code now} when the window is open, else when it next opens. */
    public Instant nextOpening(Instant now) {
        if (isOpen(now)) {
            return now;
        }
        LocalDate today = now.atZone(zone).toLocalDate();
        Optional<Instant> next = Optional.empty();
        for (LocalDate day = today.minusDays(DAYS_BACK); !day.isAfter(today.plusDays(DAYS_AHEAD)); day = day.plusDays(1)) {
            for (Span span : spans) {
                if (!span.days().contains(day.getDayOfWeek())) {
                    continue;
                }
                Instant start = start(day, span);
                if (start.isAfter(now) && (next.isEmpty() || start.isBefore(next.get()))) {
                    next = Optional.of(start);
                }
            }
        }
        return next.orElseThrow(() -> new IllegalStateException("window " + text + " never opens"));
    }

    @Override
    public String toString() {
        return text;
    }

    private Instant start(LocalDate day, Span span) {
        return at(day, span.start());
    }

    private Instant end(LocalDate day, Span span) {
        return span.end() > span.start() ? at(day, span.end()) : at(day.plusDays(1), span.end());
    }

    /**
     * A wall-clock time of a day in the zone: in a repeated hour its first pass; in a skipped hour the
     * moment the clock resumes (a window 02:30-03:30 on the night clocks go from 02:00 to 03:00 is open
     * from 03:00 to 03:30).
     */
    private Instant at(LocalDate day, int seconds) {
        if (seconds == DAY_SECONDS) {
            return day.plusDays(1).atStartOfDay(zone).toInstant();
        }
        LocalDateTime local = LocalDateTime.of(day, LocalTime.ofSecondOfDay(seconds));
        ZoneOffsetTransition gap = zone.getRules().getTransition(local);
        if (gap != null && gap.isGap()) {
            return gap.getInstant();
        }
        return ZonedDateTime.of(local, zone).toInstant();
    }

    private static Span span(Set<DayOfWeek> days, Matcher range, String token) {
        int start = seconds(range.group(1), range.group(2), range.group(3), token);
        int end = seconds(range.group(4), range.group(5), range.group(6), token);
        if (start == DAY_SECONDS) {
            throw new IllegalArgumentException("time range " + token + " starts at 24:00; write 00:00");
        }
        if (start == end) {
            throw new IllegalArgumentException("time range " + token + " is empty");
        }
        return new Span(days, start, end);
    }

    private static int seconds(String hours, String minutes, String seconds, String token) {
        int h = Integer.parseInt(hours);
        int m = Integer.parseInt(minutes);
        int s = seconds == null ? 0 : Integer.parseInt(seconds);
        int total = h * 3600 + m * 60 + s;
        if (m > 59 || s > 59 || total > DAY_SECONDS) {
            throw new IllegalArgumentException("time range " + token + " has a time past 24:00");
        }
        return total;
    }

    /** Days as written: only day names, so that a zone such as {@code UTC} or {@code GMT} is not taken for one. */
    private static boolean isDays(String token) {
        return DAYS.matcher(token).matches()
            && List.of(token.split("[,-]")).stream().allMatch(name -> DAY_NAMES.containsKey(name.toLowerCase(Locale.ROOT)));
    }

    private static Set<DayOfWeek> days(String token) {
        Set<DayOfWeek> days = EnumSet.noneOf(DayOfWeek.class);
        for (String part : token.split(",")) {
            String[] ends = part.split("-");
            DayOfWeek first = day(ends[0], token);
            DayOfWeek last = ends.length == 2 ? day(ends[1], token) : first;
            for (DayOfWeek day = first; ; day = day.plus(1)) {
                days.add(day);
                if (day == last) {
                    break;
                }
            }
        }
        return days;
    }

    private static DayOfWeek day(String name, String token) {
        DayOfWeek day = DAY_NAMES.get(name.toLowerCase(Locale.ROOT));
        if (day == null) {
            throw new IllegalArgumentException("\"" + name + "\" in " + token + " is not a day (Mon Tue Wed Thu Fri Sat Sun)");
        }
        return day;
    }

    private static ZoneId zone(String name) {
        try {
            return ZoneId.of(name);
        } catch (DateTimeException e) {
            throw new IllegalArgumentException("\"" + name + "\" is neither days (Mon-Fri, Sat,Sun), a time range"
                + " (22:00-06:00) nor a time zone (Europe/Berlin, UTC, +02:00)");
        }
    }
}
