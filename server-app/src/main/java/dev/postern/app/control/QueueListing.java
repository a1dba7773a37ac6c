package dev.postern.app.control;

import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;

/**
 * The text of {@code postern queue}: the column layout of Postfix's {@code mailq} ({@code postqueue -p}),
 * so that the scripts and habits operators have for it keep working.
 */
public final class QueueListing {
    static final String HEADER = String.format("%-11s %7s %-20s %s", "-Queue ID-", "--Size--", "----Arrival Time----",
        "-Sender/Recipient-------");
    static final String EMPTY = "Mail queue is empty";
    /** Recipients start in the column after the sender's, under the arrival time's end. */
    private static final String RECIPIENT_INDENT = " ".repeat(41);
    /** Reason lines end where a standard terminal line ends. */
    private static final int REASON_WIDTH = 76;
    /** asctime(3)'s layout without the year: the column is 20 characters wide and cuts it off. */
    private static final DateTimeFormatter ARRIVAL = DateTimeFormatter.ofPattern("EEE MMM ppd HH:mm:ss ", Locale.US);

    private QueueListing() {
    }

    /** The whole listing, one string per line, arrival times in {@code zone}. */
    public static List<String> lines(List<QueueEntry> entries, ZoneId zone) {
        if (entries.isEmpty()) {
            return List.of(EMPTY);
        }
        ArrayList<String> lines = new ArrayList<>();
        lines.add(HEADER);
        long kbytes = 0;
        for (QueueEntry entry : entries) {
            lines.addAll(message(entry, zone));
            lines.add("");
            kbytes += (entry.messageSize() + 1023) / 1024;
        }
        lines.add("-- " + kbytes + " Kbytes in " + entries.size() + (entries.size() == 1 ? " Request." : " Requests."));
        return List.copyOf(lines);
    }

    /** One message: its summary line, then each recipient, preceded by its reason whenever that changes. */
    static List<String> message(QueueEntry entry, ZoneId zone) {
        ArrayList<String> lines = new ArrayList<>();
        String arrival = ARRIVAL.format(Instant.ofEpochSecond(entry.arrivalTime()).atZone(zone));
        String sender = entry.sender().isEmpty() ? "MAILER-DAEMON" : entry.sender();
        lines.add(String.format("%-11s %7d %20.20s %s", entry.queueId() + marker(entry.queueName()),
            entry.messageSize(), arrival, sender));
        String previousReason = null;
        for (QueueEntry.Recipient recipient : entry.recipients()) {
            if (recipient.delayReason() != null && !Objects.equals(recipient.delayReason(), previousReason)) {
                lines.add(reasonLine(recipient.delayReason()));
            }
            previousReason = recipient.delayReason();
            lines.add(RECIPIENT_INDENT + recipient.address());
        }
        return List.copyOf(lines);
    }

    static String reasonLine(String reason) {
        return " ".repeat(Math.max(0, REASON_WIDTH - reason.length())) + "(" + reason + ")";
    }

    private static String marker(String queueName) {
        return switch (queueName) {
            case QueueEntry.ACTIVE -> "*";
            case QueueEntry.HOLD -> "!";
            default -> "";
        };
    }
}
