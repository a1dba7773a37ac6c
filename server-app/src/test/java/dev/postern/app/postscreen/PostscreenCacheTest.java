package dev.postern.app.postscreen;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PostscreenCacheTest {
    private static final Instant NOW = Instant.parse("2026-12-07T12:00:00Z");
    private final Clock clock = Clock.fixed(NOW, ZoneOffset.UTC);

    @TempDir
    Path directory;

    @Test
    void anEntryOutlivesTheProcess() throws Exception {
        Path file = directory.resolve("var/postscreen_cache");
        PostscreenCache.Entry entry = new PostscreenCache.Entry(NOW.plusSeconds(86_400), NOW.plusSeconds(3_600),
            NOW.plusSeconds(30 * 86_400));
        PostscreenCache.open(file, Duration.ofDays(7), clock).put("192.0.2.1", entry);

        assertThat(PostscreenCache.open(file, Duration.ofDays(7), clock).get("192.0.2.1")).contains(entry);
        assertThat(PostscreenCache.open(file, Duration.ofDays(7), clock).get("192.0.2.2")).isEmpty();
    }

    @Test
    void entriesExpiredLongerThanTheRetentionTimeAreDropped() throws Exception {
        Path file = directory.resolve("postscreen_cache");
        PostscreenCache cache = PostscreenCache.open(file, Duration.ofDays(7), clock);
        cache.put("192.0.2.1", new PostscreenCache.Entry(NOW.minus(Duration.ofDays(8)), Instant.EPOCH, Instant.EPOCH));
        cache.put("192.0.2.2", new PostscreenCache.Entry(Instant.EPOCH, Instant.EPOCH, NOW.minus(Duration.ofDays(6))));

        PostscreenCache reopened = PostscreenCache.open(file, Duration.ofDays(7), clock);
        assertThat(reopened.get("192.0.2.1")).isEmpty();
        assertThat(reopened.get("192.0.2.2")).isPresent();
    }

    @Test
    void aDamagedLineIsNamedWithItsFileAndLine() throws Exception {
        Path file = directory.resolve("postscreen_cache");
        Files.writeString(file, "192.0.2.1 10 20 30\n192.0.2.2 x\n");
        assertThatThrownBy(() -> PostscreenCache.open(file, Duration.ofDays(7), clock))
            .hasMessageStartingWith(file + ", line 2: ");
    }
}
