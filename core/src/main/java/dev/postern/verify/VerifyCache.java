package dev.postern.verify;

import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

import dev.postern.config.ParameterType;
import dev.postern.verify.VerifyStatus.Status;

/**
 * Postfix's {@code address_verify_map}: per address its last verification result, when it was
 * recorded and when a probe was last sent, with Postfix's expiry and refresh rules:
 * <ul>
 * <li>a result older than its expire time ({@code address_verify_positive_expire_time} for deliverable,
 * {@code _negative_expire_time} otherwise) counts as unknown: the address is probed and is "in progress";</li>
 * <li>a result older than its refresh time is still answered, and a new probe is sent;</li>
 * <li>no probe is sent for an address probed in the last {@link #PROBE_TTL} (the probe may still be queued);</li>
 * <li>a failed probe never replaces a deliverable result that has not expired;</li>
 * <li>with {@code address_verify_negative_cache = no} failures are not kept.</li>
 * </ul>
 *
 * <p>Kept in one file ({@code var/verify_cache}), a line per address: {@code address TAB status TAB
 * probed TAB updated TAB text} (times in epoch milliseconds, 0 = never), rewritten whole (through a
 * temporary file and a rename, mode 0600) at each change, so a crash leaves the old or the new cache,
 * never a torn one. Meant for the addresses one site verifies (thousands), not millions.
 */
public final class VerifyCache {
    /** Postfix's {@code PROBE_TTL}: a probe sent this recently is not sent again. */
    static final Duration PROBE_TTL = Duration.ofSeconds(1000);

    /** The expire and refresh times, from the address_verify_* parameters. */
    public record Settings(Duration positiveExpire, Duration positiveRefresh, boolean negativeCache,
                           Duration negativeExpire, Duration negativeRefresh) {
        public static Settings fromParameters(Function<String, String> parameters) {
            return new Settings(duration(parameters, "address_verify_positive_expire_time"),
                duration(parameters, "address_verify_positive_refresh_time"),
                ParameterType.toBoolean("address_verify_negative_cache", parameters.apply("address_verify_negative_cache").trim()),
                duration(parameters, "address_verify_negative_expire_time"),
                duration(parameters, "address_verify_negative_refresh_time"));
        }

        private static Duration duration(Function<String, String> parameters, String name) {
            return ParameterType.toDuration(name, parameters.apply(name).trim());
        }
    }

    /** What a query found: the status to answer with, and whether a probe is to be sent now. */
    public record Lookup(VerifyStatus status, boolean probe) {
    }

    private record Entry(Status status, Instant probed, Instant updated, String text) {
    }

    /** Null for a cache in memory. */
    private final Path file;
    private final Settings settings;
    private final Clock clock;
    private final Map<String, Entry> entries;

    private VerifyCache(Path file, Settings settings, Clock clock, Map<String, Entry> entries) {
        this.file = file;
        this.settings = settings;
        this.clock = clock;
        this.entries = entries;
    }

    /** A cache kept in memory only ({@code address_verify_map} empty, as in Postfix): lost at each restart. */
    public static VerifyCache inMemory(Settings settings, Clock clock) {
        return new VerifyCache(null, settings, clock, new HashMap<>());
    }

    /**
     * Opens (or starts) the cache in {@code file}.
     *
     * @throws IOException when the file cannot be read or a line is not a cache entry (naming file and line)
     */
    public static VerifyCache open(Path file, Settings settings, Clock clock) throws IOException {
        Map<String, Entry> entries = new HashMap<>();
        if (Files.exists(file)) {
            List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
            for (int i = 0; i < lines.size(); i++) {
                String[] fields = lines.get(i).split("\t", 5);
                try {
                    entries.put(fields[0], new Entry(Status.valueOf(fields[1]), Instant.ofEpochMilli(Long.parseLong(fields[2])),
                        Instant.ofEpochMilli(Long.parseLong(fields[3])), fields[4]));
                } catch (RuntimeException e) {
                    throw new IOException(file + ", line " + (i + 1) + ": not an address verification cache entry", e);
                }
            }
        }
        return new VerifyCache(file, settings, clock, entries);
    }

    /** Postfix's keys: the address in lower case; control characters (the file's separators) become "_". */
    static String key(String address) {
        return address.toLowerCase(Locale.ROOT).replaceAll("\\p{Cntrl}", "_");
    }

    /**
     * What is known about {@code address}; when a probe is due the entry records it as sent (and a new
     * address becomes "in progress"), so concurrent queries send one probe.
     */
    public synchronized Lookup query(String address) throws IOException {
        String key = key(address);
        Instant now = clock.instant();
        Entry entry = Optional.ofNullable(entries.get(key)).filter(e -> !expired(e, now)).orElse(null);
        if (entry == null) {
            entries.put(key, new Entry(Status.IN_PROGRESS, now, Instant.EPOCH, VerifyStatus.IN_PROGRESS_TEXT));
            save();
            return new Lookup(VerifyStatus.inProgress(), true);
        }
        VerifyStatus status = new VerifyStatus(entry.status(), entry.text());
        if (!probeDue(entry, now)) {
            return new Lookup(status, false);
        }
        entries.put(key, new Entry(entry.status(), now, entry.updated(), entry.text()));
        save();
        return new Lookup(status, true);
    }

    /** Records a probe's result, by Postfix's rules (see the class comment). */
    public synchronized void update(String address, VerifyStatus result) throws IOException {
        String key = key(address);
        Instant now = clock.instant();
        Entry old = entries.get(key);
        boolean failed = result.status() != Status.DELIVERABLE;
        if (failed && old != null && old.status() == Status.DELIVERABLE && !expired(old, now)) {
            return;
        }
        if (failed && !settings.negativeCache()) {
            entries.remove(key);
        } else {
            entries.put(key, new Entry(result.status(), Instant.EPOCH, now, result.text()));
        }
        save();
    }

    private boolean expired(Entry entry, Instant now) {
        if (entry.status() == Status.IN_PROGRESS) {
            // A probe that never came back (lost with a restart) is sent again after PROBE_TTL.
            return false;
        }
        Duration expire = entry.status() == Status.DELIVERABLE ? settings.positiveExpire() : settings.negativeExpire();
        return entry.updated().plus(expire).isBefore(now);
    }

    private boolean probeDue(Entry entry, Instant now) {
        boolean recentlyProbed = !entry.probed().equals(Instant.EPOCH) && entry.probed().plus(PROBE_TTL).isAfter(now);
        if (recentlyProbed) {
            return false;
        }
        if (entry.status() == Status.IN_PROGRESS) {
            return true;
        }
        Duration refresh = entry.status() == Status.DELIVERABLE ? settings.positiveRefresh() : settings.negativeRefresh();
        return entry.updated().plus(refresh).isBefore(now);
    }

    private void save() throws IOException {
        if (file == null) {
            return;
        }
        Path directory = file.toAbsolutePath().getParent();
        Files.createDirectories(directory);
        Path temporary = Files.createTempFile(directory, file.getFileName().toString(), ".tmp",
            PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        try (BufferedWriter out = Files.newBufferedWriter(temporary, StandardCharsets.UTF_8)) {
            for (Map.Entry<String, Entry> e : entries.entrySet()) {
                Entry entry = e.getValue();
                out.write(e.getKey() + "\t" + entry.status().name() + "\t" + entry.probed().toEpochMilli() + "\t"
                    + entry.updated().toEpochMilli() + "\t" + entry.text());
                out.newLine();
            }
        } catch (IOException e) {
            Files.deleteIfExists(temporary);
            throw e;
        }
        Files.move(temporary, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }
}
