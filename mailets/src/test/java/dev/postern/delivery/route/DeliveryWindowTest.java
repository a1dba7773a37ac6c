package dev.postern.delivery.route;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import dev.postern.config.ConfigException;

class DeliveryWindowTest {
    private static final ZoneId SERVER = ZoneOffset.UTC;

    private static DeliveryWindow window(String text) {
        return DeliveryWindow.parse(text, SERVER);
    }

    /** 2026-12-07 is a Monday; Berlin is UTC+1 in winter. */
    @ParameterizedTest(name = "{0} at {1}: open {2}, next {3}")
    @CsvSource(delimiter = '|', textBlock = """
        Mon-Fri 22:00-06:00 Europe/Berlin | 2026-12-07T20:59:59Z | false | 2026-12-07T21:00:00Z
        Mon-Fri 22:00-06:00 Europe/Berlin | 2026-12-07T21:00:00Z | true  | 2026-12-07T21:00:00Z
        Mon-Fri 22:00-06:00 Europe/Berlin | 2026-12-08T04:59:59Z | true  | 2026-12-08T04:59:59Z
        Mon-Fri 22:00-06:00 Europe/Berlin | 2026-12-08T05:00:00Z | false | 2026-12-08T21:00:00Z
        Mon-Fri 22:00-06:00 Europe/Berlin | 2026-12-12T04:00:00Z | true  | 2026-12-12T04:00:00Z
        Mon-Fri 22:00-06:00 Europe/Berlin | 2026-12-12T05:00:00Z | false | 2026-12-14T21:00:00Z
        Sat,Sun 00:00-24:00 Mon-Fri 12:00-13:00 | 2026-12-07T12:30:00Z | true | 2026-12-07T12:30:00Z
        Sat,Sun 00:00-24:00 Mon-Fri 12:00-13:00 | 2026-12-07T13:00:00Z | false | 2026-12-08T12:00:00Z
        Sat,Sun 00:00-24:00 Mon-Fri 12:00-13:00 | 2026-12-11T13:00:00Z | false | 2026-12-12T00:00:00Z
        Sat,Sun 00:00-24:00 Mon-Fri 12:00-13:00 | 2026-12-13T23:59:59Z | true | 2026-12-13T23:59:59Z
        Fri-Mon 09:00-09:00:30 UTC            | 2026-12-09T10:00:00Z | false | 2026-12-11T09:00:00Z
        Fri-Mon 09:00-09:00:30 UTC            | 2026-12-14T09:00:29Z | true  | 2026-12-14T09:00:29Z
        Fri-Mon 09:00-09:00:30 UTC            | 2026-12-14T09:00:30Z | false | 2026-12-18T09:00:00Z
        02:00-04:00 +05:30                    | 2026-12-07T20:30:00Z | true  | 2026-12-07T20:30:00Z
        02:00-04:00 +05:30                    | 2026-12-07T22:30:00Z | false | 2026-12-08T20:30:00Z
        """)
    void opensAndClosesInItsZoneOverMidnightAndWeekends(String text, String at, boolean open, String next) {
        DeliveryWindow window = window(text);
        Instant now = Instant.parse(at);

        assertThat(window.isOpen(now)).isEqualTo(open);
        assertThat(window.nextOpening(now)).isEqualTo(Instant.parse(next));
    }

    /**
     * Berlin 2027: summer time starts Sun 28 March 02:00 (to 03:00), ends Sun 31 October 03:00 (to 02:00).
     * Wall-clock times hold: 22:00 is 21:00Z in winter, 20:00Z in summer.
     */
    @ParameterizedTest(name = "{0} at {1}: open {2}, next {3}")
    @CsvSource(delimiter = '|', textBlock = """
        22:00-06:00 Europe/Berlin     | 2027-03-27T20:30:00Z | false | 2027-03-27T21:00:00Z
        22:00-06:00 Europe/Berlin     | 2027-03-28T03:59:59Z | true  | 2027-03-28T03:59:59Z
        22:00-06:00 Europe/Berlin     | 2027-03-28T04:00:00Z | false | 2027-03-28T20:00:00Z
        02:30-03:30 Europe/Berlin     | 2027-03-28T00:00:00Z | false | 2027-03-28T01:00:00Z
        02:30-03:30 Europe/Berlin     | 2027-03-28T01:29:59Z | true  | 2027-03-28T01:29:59Z
        02:30-03:30 Europe/Berlin     | 2027-03-28T01:30:00Z | false | 2027-03-29T00:30:00Z
        22:00-06:00 Europe/Berlin     | 2027-10-31T04:59:59Z | true  | 2027-10-31T04:59:59Z
        22:00-06:00 Europe/Berlin     | 2027-10-31T05:00:00Z | false | 2027-10-31T21:00:00Z
        02:15-02:45 Europe/Berlin     | 2027-10-31T00:20:00Z | true  | 2027-10-31T00:20:00Z
        02:15-02:45 Europe/Berlin     | 2027-10-31T01:20:00Z | false | 2027-11-01T01:15:00Z
        """)
    void wallClockTimesHoldAcrossDaylightSavingChanges(String text, String at, boolean open, String next) {
        DeliveryWindow window = window(text);
        Instant now = Instant.parse(at);

        assertThat(window.isOpen(now)).isEqualTo(open);
        assertThat(window.nextOpening(now)).isEqualTo(Instant.parse(next));
    }

    @Test
    void aWindowWithoutAZoneUsesTheServersZone() {
        DeliveryWindow window = DeliveryWindow.parse("Mon 10:00-11:00", ZoneId.of("Asia/Tokyo"));

        assertThat(window.nextOpening(Instant.parse("2026-12-07T00:00:00Z"))).isEqualTo(Instant.parse("2026-12-07T01:00:00Z"));
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
        Mon-Fri                       | the last days have no time range
        Mon Tue 10:00-11:00           | days before "Tue" have no time range
        Mon-Fry 10:00-11:00           | "Fry" in Mon-Fry is not a day (Mon Tue Wed Thu Fri Sat Sun)
        Mon 10:00-10:00               | time range 10:00-10:00 is empty
        Mon 10:00-25:00               | time range 10:00-25:00 has a time past 24:00
        Mon 10:60-11:00               | time range 10:60-11:00 has a time past 24:00
        Mon 24:00-01:00               | time range 24:00-01:00 starts at 24:00; write 00:00
        Mon 10:00-11:00 Mars/Olympus  | "Mars/Olympus" is neither days (Mon-Fri, Sat,Sun), a time range (22:00-06:00) nor a time zone (Europe/Berlin, UTC, +02:00)
        Mon 10h-11h UTC               | "10h-11h" is neither days (Mon-Fri, Sat,Sun), a time range (22:00-06:00) nor, last, a time zone (Europe/Berlin)
        UTC                           | no time range
        """)
    void badWindowsSayWhatIsWrong(String text, String message) {
        assertThatThrownBy(() -> window(text)).isInstanceOf(IllegalArgumentException.class).hasMessage(message);
    }

    @Test
    void theTableFindsANextHopByItsHostThenTheTransport() throws ConfigException {
        DeliveryWindows windows = DeliveryWindows.parse("windows", List.of(
            "# night batches",
            "example.com   Mon-Fri 22:00-06:00",
            "              Sat,Sun 00:00-24:00 Europe/Berlin",
            "[gw.example.net]:2525  01:00-02:00",
            "gw.example.net 03:00-04:00",
            "slow          12:00-13:00 UTC"), SERVER);

        assertThat(windows.of(new Route("smtp", "Example.COM")).map(Object::toString))
            .contains("Mon-Fri 22:00-06:00 Sat,Sun 00:00-24:00 Europe/Berlin");
        assertThat(windows.of(new Route("relay", "[gw.example.net]:2525")).map(Object::toString)).contains("01:00-02:00");
        assertThat(windows.of(new Route("relay", "[gw.example.net]:25")).map(Object::toString)).contains("03:00-04:00");
        assertThat(windows.of(new Route("slow", "other.example")).map(Object::toString)).contains("12:00-13:00 UTC");
        assertThat(windows.of(new Route("smtp", "other.example"))).isEmpty();
    }

    @Test
    void anEditedFileIsReadAgainAndABadEditKeepsTheWindowsBefore(@TempDir Path home) throws Exception {
        Path file = home.resolve("windows");
        Files.writeString(file, "slow 10:00-11:00 UTC\n");
        DeliveryWindows windows = DeliveryWindows.load(List.of("texthash:windows"), home, SERVER);
        Route slow = new Route("slow", "x.example");
        assertThat(windows.of(slow).map(Object::toString)).contains("10:00-11:00 UTC");

        Files.writeString(file, "slow 12:00-13:00 UTC\n");
        Files.setLastModifiedTime(file, FileTime.from(Instant.now().plusSeconds(10)));
        Thread.sleep(600);
        assertThat(windows.of(slow).map(Object::toString)).contains("12:00-13:00 UTC");

        Files.writeString(file, "slow 12:00-13:00 Mars/Olympus\n");
        Files.setLastModifiedTime(file, FileTime.from(Instant.now().plusSeconds(20)));
        Thread.sleep(600);
        assertThat(windows.of(slow).map(Object::toString)).contains("12:00-13:00 UTC");
    }

    @Test
    void onlyTablesReadAsTextAreAccepted() {
        assertThatThrownBy(() -> DeliveryWindows.load(List.of("pgsql:/etc/windows.cf"), Path.of("/"), SERVER))
            .isInstanceOf(ConfigException.class).hasMessageStartingWith("postern_delivery_windows: pgsql:/etc/windows.cf: only texthash:");
        assertThatThrownBy(() -> DeliveryWindows.load(List.of("texthash:/nonexistent/windows"), Path.of("/"), SERVER))
            .isInstanceOf(ConfigException.class).hasMessageStartingWith("postern_delivery_windows: cannot read /nonexistent/windows");
    }

    @Test
    void aBadEntryNamesItsFileAndLine() {
        assertThatThrownBy(() -> DeliveryWindows.parse("/etc/postern/windows", List.of(
            "# comment", "", "example.com Mon-Fri 22:00-06:00", "example.net Mon-Fry 22:00-06:00"), SERVER))
            .isInstanceOf(ConfigException.class)
            .hasMessage("/etc/postern/windows line 4: example.net: \"Fry\" in Mon-Fry is not a day (Mon Tue Wed Thu Fri Sat Sun)");
        assertThatThrownBy(() -> DeliveryWindows.parse("w", List.of("example.com"), SERVER))
            .hasMessageStartingWith("w line 1: \"example.com\" has no window");
        assertThatThrownBy(() -> DeliveryWindows.parse("w", List.of("  Mon 10:00-11:00"), SERVER))
            .hasMessage("w line 1: a continuation line with no entry before it");
    }
}
