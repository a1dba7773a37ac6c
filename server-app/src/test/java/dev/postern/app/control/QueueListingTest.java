package dev.postern.app.control;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.util.List;

import org.junit.jupiter.api.Test;

class QueueListingTest {
    private static final long ARRIVAL = ZonedDateTime.of(2026, 11, 28, 19, 40, 31, 0, ZoneOffset.UTC).toEpochSecond();

    @Test
    void emptyQueueIsOneLine() {
        assertThat(QueueListing.lines(List.of(), ZoneOffset.UTC)).containsExactly("Mail queue is empty");
    }

    @Test
    void deferredMessageHasHeaderColumnsReasonRecipientsAndTrailer() {
        QueueEntry entry = new QueueEntry(QueueEntry.DEFERRED, "0A1B2C3D4E5F", ARRIVAL, 2048, "alice@example.com",
            List.of(new QueueEntry.Recipient("bob@example.net", "delivery temporarily failed"),
                new QueueEntry.Recipient("carol@example.net", "delivery temporarily failed")));

        assertThat(QueueListing.lines(List.of(entry), ZoneOffset.UTC)).containsExactly(
            "-Queue ID-  --Size-- ----Arrival Time---- -Sender/Recipient-------",
            "0A1B2C3D4E5F    2048 Sat Nov 28 19:40:31  alice@example.com",
            " ".repeat(76 - 27) + "(delivery temporarily failed)",
            " ".repeat(41) + "bob@example.net",
            " ".repeat(41) + "carol@example.net",
            "",
            "-- 2 Kbytes in 1 Request.");
    }

    @Test
    void markersNullSenderSingleDigitDayAndPluralTrailer() {
        long early = ZonedDateTime.of(2026, 11, 1, 9, 5, 7, 0, ZoneOffset.UTC).toEpochSecond();
        QueueEntry active = new QueueEntry(QueueEntry.ACTIVE, "0A1B2C3D4E", early, 1, "",
            List.of(new QueueEntry.Recipient("bob@example.net", null)));
        QueueEntry held = new QueueEntry(QueueEntry.HOLD, "0A1B2C3D4F", early, 1025, "x@example.com",
            List.of(new QueueEntry.Recipient("y@example.net", null)));

        List<String> lines = QueueListing.lines(List.of(active, held), ZoneOffset.UTC);

        assertThat(lines).containsExactly(
            QueueListing.HEADER,
            "0A1B2C3D4E*       1 Sun Nov  1 09:05:07  MAILER-DAEMON",
            " ".repeat(41) + "bob@example.net",
            "",
            "0A1B2C3D4F!    1025 Sun Nov  1 09:05:07  x@example.com",
            " ".repeat(41) + "y@example.net",
            "",
            "-- 3 Kbytes in 2 Requests.");
    }

    @Test
    void reasonIsRepeatedOnlyWhenItChanges() {
        QueueEntry entry = new QueueEntry(QueueEntry.DEFERRED, "0A1B2C3D4E", ARRIVAL, 10, "a@example.com",
            List.of(new QueueEntry.Recipient("b@example.net", "one"),
                new QueueEntry.Recipient("c@example.net", "one"),
                new QueueEntry.Recipient("d@example.net", "two")));

        assertThat(QueueListing.message(entry, ZoneOffset.UTC)).filteredOn(line -> line.endsWith(")"))
            .containsExactly(QueueListing.reasonLine("one"), QueueListing.reasonLine("two"));
    }

    @Test
    void longReasonIsNotPadded() {
        String reason = "x".repeat(90);
        assertThat(QueueListing.reasonLine(reason)).isEqualTo("(" + reason + ")");
    }
}
