package dev.postern.tables.sql;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import dev.postern.config.ConfigException;

/**
 * The {@code name = value} settings of a Postfix database table file ({@code pgsql:/etc/postfix/x.cf}),
 * read with main.cf's syntax: a logical line starts at a non-blank character and goes on over the
 * lines that start with white space; comment and blank lines are skipped. Values are taken as
 * written ({@code $name} is not expanded: Postfix's table files are not main.cf). A setting given
 * twice keeps its last value, as in main.cf.
 */
final class SqlCfFile {
    /** One setting and the line it starts on, for messages. */
    record Setting(String value, int line) {
    }

    private final Path file;
    private final Map<String, Setting> settings;

    private SqlCfFile(Path file, Map<String, Setting> settings) {
        this.file = file;
        this.settings = settings;
    }

    static SqlCfFile read(Path file) throws ConfigException {
        List<String> lines;
        try {
            lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new ConfigException(file + ": cannot read the table file: " + e.getMessage(), e);
        }
        return parse(file, lines);
    }

    static SqlCfFile parse(Path file, List<String> lines) throws ConfigException {
        Map<String, Setting> settings = new LinkedHashMap<>();
        StringBuilder logical = null;
        int start = 0;
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i);
            String trimmed = line.strip();
            if (trimmed.isEmpty() || trimmed.startsWith("#")) {
                continue;
            }
            if (Character.isWhitespace(line.charAt(0))) {
                if (logical == null) {
                    throw new ConfigException(file + ":" + (i + 1) + ": continuation line without a setting before it");
                }
                logical.append(' ').append(trimmed);
                continue;
            }
            if (logical != null) {
                put(file, settings, logical.toString(), start);
            }
            logical = new StringBuilder(trimmed);
            start = i + 1;
        }
        if (logical != null) {
            put(file, settings, logical.toString(), start);
        }
        return new SqlCfFile(file, settings);
    }

    private static void put(Path file, Map<String, Setting> settings, String line, int number) throws ConfigException {
        int equals = line.indexOf('=');
        if (equals <= 0) {
            throw new ConfigException(file + ":" + number + ": expected name = value, got \"" + line + "\"");
        }
        String name = line.substring(0, equals).strip();
        if (name.isEmpty() || name.chars().anyMatch(Character::isWhitespace)) {
            throw new ConfigException(file + ":" + number + ": bad parameter name \"" + name + "\"");
        }
        settings.put(name, new Setting(line.substring(equals + 1).strip(), number));
    }

    Path file() {
        return file;
    }

    Optional<Setting> setting(String name) {
        return Optional.ofNullable(settings.get(name));
    }

    /** The value, or {@code fallback} when the file does not set it. */
    String get(String name, String fallback) {
        Setting setting = settings.get(name);
        return setting == null ? fallback : setting.value();
    }

    /** {@code FILE:LINE} of a setting (or {@code FILE} when it is not set), the start of an error message. */
    String where(String name) {
        Setting setting = settings.get(name);
        return setting == null ? file.toString() : file + ":" + setting.line();
    }

    Map<String, Setting> settings() {
        return settings;
    }
}
