package dev.postern.app.postscreen;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * {@code postscreen_cache_map}: until when each client's passed tests stay passed, kept in a file
 * (one line per client: address, pregreet, DNSBL and deep-test expiries, in epoch seconds) so that a client
 * that passed goes straight to smtpd after a restart too. Entries whose tests have all expired
 * longer than {@code postscreen_cache_retention_time} ago are dropped when the file is written.
 * Shared by every connection of the listener; each update rewrites the file (a new file moved into
 * place, so a crash leaves the old or the new one, never half of one).
 */
public final class PostscreenCache {
    /**
     * One client's passed tests: each until when it stays passed ({@link Instant#EPOCH}: not passed).
     *
     * @param deepUntil the deep protocol tests (pipelining, non-SMTP command, bare newline) together
     */
    public record Entry(Instant greetUntil, Instant dnsblUntil, Instant deepUntil) {
        Instant latest() {
            Instant latest = greetUntil.isAfter(dnsblUntil) ? greetUntil : dnsblUntil;
            return latest.isAfter(deepUntil) ? latest : deepUntil;
        }
    }

    private final Path file;
    private final Duration retention;
    private final Clock clock;
    private final Map<String, Entry> entries = new HashMap<>();

    private PostscreenCache(Path file, Duration retention, Clock clock) {
        this.file = file;
        this.retention = retention;
        this.clock = clock;
    }

    /**
     * @throws IOException naming the file when it exists and cannot be read
     * @throws IllegalArgumentException naming the file and line of an entry that does not parse
     */
    public static PostscreenCache open(Path file, Duration retention, Clock clock) throws IOException {
        PostscreenCache cache = new PostscreenCache(file, retention, clock);
        if (Files.exists(file)) {
            List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
            for (int i = 0; i < lines.size(); i++) {
                cache.read(lines.get(i), i + 1);
            }
        }
        return cache;
    }

    private void read(String line, int number) {
        if (line.isBlank()) {
            return;
        }
        String[] fields = line.trim().split("\\s+");
        try {
            if (fields.length != 4) {
                throw new NumberFormatException("expected 4 fields");
            }
            entries.put(fields[0], new Entry(Instant.ofEpochSecond(Long.parseLong(fields[1])),
                Instant.ofEpochSecond(Long.parseLong(fields[2])), Instant.ofEpochSecond(Long.parseLong(fields[3]))));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(file + ", line " + number + ": \"" + line
                + "\" is not \"ADDRESS PREGREET-EXPIRY DNSBL-EXPIRY DEEP-EXPIRY\" (" + e.getMessage() + ")", e);
        }
    }

    public synchronized Optional<Entry> get(String client) {
        return Optional.ofNullable(entries.get(client));
    }

    /** Records that {@code client} passed its tests until the given times, and writes the file. */
    public synchronized void put(String client, Entry entry) {
        entries.put(client, entry);
        write();
    }

    private void write() {
        Instant oldest = clock.instant().minus(retention);
        entries.values().removeIf(entry -> entry.latest().isBefore(oldest));
        List<String> lines = new ArrayList<>();
        entries.forEach((client, entry) -> lines.add(client + " " + entry.greetUntil().getEpochSecond() + " "
            + entry.dnsblUntil().getEpochSecond() + " " + entry.deepUntil().getEpochSecond()));
        try {
            Files.createDirectories(file.toAbsolutePath().getParent());
            Path next = file.resolveSibling(file.getFileName() + ".new");
            Files.write(next, lines, StandardCharsets.UTF_8);
            Files.move(next, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new UncheckedIOException("postscreen_cache_map: cannot write " + file + ": " + e.getMessage(), e);
        }
    }
}
