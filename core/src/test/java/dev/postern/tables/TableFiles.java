package dev.postern.tables;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/** Helpers: write a table file, open a table, look a key up without checked exceptions. */
final class TableFiles {
    private TableFiles() {
    }

    static Path write(Path dir, String name, String... lines) {
        try {
            Path file = dir.resolve(name);
            Files.writeString(file, String.join("\n", lines) + "\n", StandardCharsets.UTF_8);
            return file;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static Path write(Path dir, String name, List<String> lines) {
        return write(dir, name, lines.toArray(new String[0]));
    }

    static String get(LookupTable table, String key) {
        try {
            Optional<String> value = table.lookup(key);
            return value.orElse(null);
        } catch (LookupException e) {
            throw new AssertionError(e);
        }
    }
}
