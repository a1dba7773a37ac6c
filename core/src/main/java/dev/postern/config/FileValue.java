package dev.postern.config;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;

/**
 * Parameters whose value may name a file holding the value: {@code myorigin = /etc/mailname}, as
 * Debian's Postfix reads it (the file's first line, trimmed). The file is read when main.cf is
 * loaded, so a missing or empty file is a startup error (and a {@code postern check} error) that
 * names the parameter and the file, and every user of the parameter sees the domain.
 */
final class FileValue {
    private static final Set<String> PARAMETERS = Set.of("myorigin");

    private FileValue() {
    }

    /**
     * The value to use: for a parameter of this kind whose expanded value starts with {@code /},
     * the file's first line; otherwise {@code value} unchanged.
     *
     * @throws IllegalArgumentException {@code NAME: reason} when the file cannot be read or is empty
     */
    static String resolve(String name, String value) {
        String trimmed = value.trim();
        if (!PARAMETERS.contains(name) || !trimmed.startsWith("/")) {
            return value;
        }
        List<String> lines;
        try {
            lines = Files.readAllLines(Path.of(trimmed), StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            throw new IllegalArgumentException(name + ": cannot read " + trimmed + ": file not found", e);
        } catch (IOException e) {
            throw new IllegalArgumentException(name + ": cannot read " + trimmed + ": " + e.getMessage(), e);
        }
        String first = lines.isEmpty() ? "" : lines.get(0).trim();
        if (first.isEmpty()) {
            throw new IllegalArgumentException(name + ": " + trimmed + " is empty (its first line should be a domain name)");
        }
        return first;
    }
}
