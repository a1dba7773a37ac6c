package dev.postern.app.status;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

import org.junit.jupiter.api.Test;

import dev.postern.app.control.QueueEntry;

class StatusPageTest {
    private static final Instant NOW = Instant.parse("2026-12-07T12:00:00Z");
    private static final long[] QUIET = new long[60];

    @Test
    void showsQueuesOldestMessagesAndTheirReasons() {
        long[] received = new long[60];
        received[59] = 7;
        String html = StatusPage.render(new StatusPage.Facts("mx.example", 3, Duration.ofMinutes(125), NOW, List.of(
            entry(QueueEntry.DEFERRED, "AAA111", 7200, "r@slow.example", "host mx.slow.example[192.0.2.1] said: 450 4.2.0 later"),
            entry(QueueEntry.HOLD, "BBB222", 60, "h@remote.example", null)), received, QUIET));

        assertThat(html).startsWith("<!DOCTYPE html>").contains("<title>Postern status: mx.example</title>",
            "<meta http-equiv=\"refresh\" content=\"30\">", "Up 2h 5m · configuration generation 3",
            "<td>AAA111</td><td>deferred</td><td>2h 0m</td>", "said: 450 4.2.0 later",
            "<td>BBB222</td><td>hold</td>", "on hold", "<td>slow.example</td><td class=\"n\">1</td>",
            "<th scope=\"row\">deferred</th><td class=\"n\">1</td>",
            "aria-label=\"Messages received per minute over the last 60 minutes: 7 in all, at most 7 in a minute\"");
        assertThat(html.indexOf("AAA111")).as("the oldest first").isLessThan(html.indexOf("BBB222"));
    }

    @Test
    void whatRemoteServersAndSendersWroteIsEscaped() {
        String html = StatusPage.render(new StatusPage.Facts("mx.example", 0, Duration.ZERO, NOW, List.of(
            entry(QueueEntry.DEFERRED, "CCC333", 10, "r@x.example", "said: 450 <script>alert(1)</script> & \"more\"")),
            QUIET, QUIET));

        assertThat(html).doesNotContain("<script>").contains("&lt;script&gt;alert(1)&lt;/script&gt; &amp; &quot;more&quot;");
    }

    @Test
    void anEmptyQueueSaysSo() {
        String html = StatusPage.render(new StatusPage.Facts("mx.example", 0, Duration.ofSeconds(42), NOW, List.of(), QUIET, QUIET));
        assertThat(html).contains("The queue is empty.", "No deferred mail.", "Up 0m 42s");
    }

    private static QueueEntry entry(String queue, String id, long age, String recipient, String reason) {
        return new QueueEntry(queue, id, NOW.getEpochSecond() - age, 500, "a@b.example",
            List.of(new QueueEntry.Recipient(recipient, reason)));
    }
}
