package dev.postern.address;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import dev.postern.config.PostfixList;

/**
 * A {@code /file/name} item of a Postfix list parameter ({@code mynetworks}, {@code mydestination},
 * ...): the file's lines are more items, separated as in main.cf; blank lines and lines whose
 * first non-blank character is {@code #} are skipped.
 */
final class ListFile {
    private ListFile() {
    }

    /** @throws IllegalArgumentException naming the parameter and the file when it cannot be read */
    static List<String> items(String parameter, String file) {
        List<String> lines;
        try {
            lines = Files.readAllLines(Path.of(file), StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            throw new IllegalArgumentException(parameter + ": cannot read " + file + ": file not found", e);
        } catch (IOException e) {
            throw new IllegalArgumentException(parameter + ": cannot read " + file + ": " + e.getMessage(), e);
        }
        List<String> items = new ArrayList<>();
        for (String line : lines) {
            String trimmed = line.trim();
            if (!trimmed.isEmpty() && !trimmed.startsWith("#")) {
                items.addAll(PostfixList.split(trimmed));
            }
        }
        return items;
    }
}
