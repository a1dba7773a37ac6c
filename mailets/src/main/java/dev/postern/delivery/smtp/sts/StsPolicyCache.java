package dev.postern.delivery.smtp.sts;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.time.Instant;
import java.util.Locale;
import java.util.Optional;

/**
 * The fetched policies, one file per policy domain under a directory of var/ (0700, files 0600),
 * so that a restart keeps them: the TXT record's id, when the policy was fetched, and the policy
 * as served. A policy is fresh until its max_age has passed since it was fetched (RFC 8461 §5.1).
 * A file that cannot be read back is treated as absent: the policy is fetched again.
 */
public final class StsPolicyCache {
    private final Path directory;
    private final Clock clock;

    /** A cached policy, fetched at {@code fetched} while the TXT record's id was {@code id}. */
    public record Entry(String id, Instant fetched, StsPolicy policy, String text) {
        public boolean freshAt(Instant now) {
            return now.isBefore(fetched.plus(policy.maxAge()));
        }
    }

    public StsPolicyCache(Path directory, Clock clock) {
        this.directory = directory;
        this.clock = clock;
    }

    /** The cached policy of a domain, fresh or not. */
    public Optional<Entry> get(String domain) {
        Path file = file(domain);
        if (!Files.isRegularFile(file)) {
            return Optional.empty();
        }
        try {
            String content = Files.readString(file, StandardCharsets.UTF_8);
            int blank = content.indexOf("\n\n");
            String[] head = content.substring(0, Math.max(blank, 0)).split("\n");
            if (blank < 0 || head.length != 2 || !head[0].startsWith("id: ") || !head[1].startsWith("fetched: ")) {
                return Optional.empty();
            }
            String text = content.substring(blank + 2);
            Instant fetched = Instant.ofEpochSecond(Long.parseLong(head[1].substring("fetched: ".length())));
            return Optional.of(new Entry(head[0].substring("id: ".length()), fetched, StsPolicy.parse(text, file.toString()), text));
        } catch (IOException | NumberFormatException | StsPolicyException e) {
            return Optional.empty();
        }
    }

    /** Stores a policy just fetched; the time is now. */
    public Entry put(String domain, String id, StsPolicy policy, String text) throws IOException {
        Entry entry = new Entry(id, Instant.ofEpochSecond(clock.instant().getEpochSecond()), policy, text);
        if (!Files.isDirectory(directory)) {
            Files.createDirectories(directory, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
        }
        Path file = file(domain);
        Path temporary = Files.createTempFile(directory, ".policy", ".tmp",
            PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        Files.writeString(temporary, "id: " + id + "\nfetched: " + entry.fetched().getEpochSecond() + "\n\n" + text,
            StandardCharsets.UTF_8);
        try {
            Files.move(temporary, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(temporary, file, StandardCopyOption.REPLACE_EXISTING);
        }
        return entry;
    }

    Path file(String domain) {
        // Domain names are letters, digits, dots and hyphens: safe as a file name once lower-cased.
        String name = domain.toLowerCase(Locale.ROOT);
        if (!name.matches("[a-z0-9]([a-z0-9.-]*[a-z0-9])?") || name.contains("..")) {
            throw new IllegalArgumentException("not a domain name: \"" + StsPolicy.printable(domain) + "\"");
        }
        return directory.resolve(name + ".policy");
    }
}
