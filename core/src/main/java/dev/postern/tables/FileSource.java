package dev.postern.tables;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.postern.config.ConfigException;

/**
 * The parsed contents of one table source file, re-read when the file changes.
 *
 * <p>A reload builds the new contents completely and then publishes them with one volatile write,
 * so a reader sees the old contents or the new, never a mix. A reload that fails keeps the old
 * contents and is reported (log and {@link TableRegistry.ReloadListener}); it is not retried until
 * the file changes again. A file deleted after it was loaded keeps its last contents (warning).
 * When the file changed while it was being read (a writer still at work), the next poll reads it
 * again.
 */
final class FileSource<T> {
    private static final Logger LOG = LoggerFactory.getLogger(FileSource.class);

    /**
     * Reads and parses the whole file; errors are {@code FILE:LINE: reason}; what Postfix would
     * skip with a warning goes to {@code warnings}.
     */
    @FunctionalInterface
    interface Parser<T> {
        T parse(Path file, TableWarning.Sink warnings) throws IOException, ConfigException;
    }

    /** The contents of one read and its warnings, published together. */
    private record Loaded<T>(T contents, List<TableWarning> warnings) {
    }

    /** What identifies one version of the file: a change to any of these triggers a reload. */
    private record Version(long modifiedNanos, long size, Object fileKey) {
        static Version of(Path file) throws IOException {
            BasicFileAttributes attributes = Files.readAttributes(file, BasicFileAttributes.class);
            long nanos = attributes.lastModifiedTime().to(java.util.concurrent.TimeUnit.NANOSECONDS);
            return new Version(nanos, attributes.size(), attributes.fileKey());
        }
    }

    private final Path file;
    private final String kind;
    private final Parser<T> parser;
    private volatile Loaded<T> loaded;
    /** The version last read (successfully or not); null forces a read at the next poll. */
    private Version seen;
    private boolean missingReported;

    private FileSource(Path file, String kind, Parser<T> parser) {
        this.file = file;
        this.kind = kind;
        this.parser = parser;
    }

    /**
     * Reads the file for the first time.
     *
     * @param tableName the {@code type:name} that opened it, for messages
     */
    static <T> FileSource<T> open(Path file, String kind, String tableName, Parser<T> parser) throws ConfigException {
        FileSource<T> source = new FileSource<>(file, kind, parser);
        try {
            Version before = Version.of(file);
            Loaded<T> parsed = source.read();
            Version after = Version.of(file);
            source.loaded = parsed;
            source.seen = before.equals(after) ? after : null;
            return source;
        } catch (NoSuchFileException e) {
            throw new ConfigException(file + ": table " + tableName + ": file not found");
        } catch (IOException e) {
            throw new ConfigException(file + ": table " + tableName + ": cannot read: " + e.getMessage(), e);
        } catch (ConfigException e) {
            throw new ConfigException(e.getMessage() + " (table " + tableName + ")", e);
        }
    }

    T contents() {
        return loaded.contents();
    }

    /** The warnings of the read whose contents are in use. */
    List<TableWarning> warnings() {
        return loaded.warnings();
    }

    /** Parses the file, collecting its warnings and logging each. */
    private Loaded<T> read() throws IOException, ConfigException {
        List<TableWarning> warnings = new ArrayList<>();
        T contents = parser.parse(file, (where, line, message) -> warnings.add(new TableWarning(where, line, message)));
        warnings.forEach(warning -> LOG.warn("{}", warning));
        return new Loaded<>(contents, List.copyOf(warnings));
    }

    Path file() {
        return file;
    }

    String kind() {
        return kind;
    }

    /** Re-reads the file if it changed since it was last read. Called from one thread at a time. */
    synchronized void poll(TableRegistry.ReloadListener listener) {
        Version now;
        try {
            now = Version.of(file);
        } catch (IOException e) {
            if (!missingReported) {
                missingReported = true;
                String message = file + ": cannot read " + kind + " table source (" + describe(e)
                    + "); keeping the previous contents";
                LOG.warn(message);
                notify(() -> listener.reloadFailed(file, message));
            }
            seen = null;
            return;
        }
        missingReported = false;
        if (now.equals(seen)) {
            return;
        }
        try {
            Loaded<T> parsed = read();
            Version after = versionOrNull();
            loaded = parsed;
            seen = now.equals(after) ? now : null;
            LOG.info("{}: reloaded {} table", file, kind);
            notify(() -> listener.reloaded(file));
        } catch (IOException | ConfigException e) {
            Version after = versionOrNull();
            seen = now.equals(after) ? now : null;
            String reason = e instanceof ConfigException ? e.getMessage() : file + ": " + describe(e);
            String message = reason + "; keeping the previous contents of " + kind + " table " + file;
            LOG.error(message);
            notify(() -> listener.reloadFailed(file, message));
        }
    }

    private Version versionOrNull() {
        try {
            return Version.of(file);
        } catch (IOException e) {
            return null;
        }
    }

    private static String describe(Exception e) {
        if (e instanceof NoSuchFileException) {
            return "file not found";
        }
        return Objects.requireNonNullElse(e.getMessage(), e.getClass().getSimpleName());
    }

    private static void notify(Runnable call) {
        try {
            call.run();
        } catch (RuntimeException e) {
            LOG.warn("table reload listener failed", e);
        }
    }
}
