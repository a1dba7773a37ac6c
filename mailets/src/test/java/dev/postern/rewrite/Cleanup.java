package dev.postern.rewrite;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import dev.postern.config.ComponentParameters;
import dev.postern.config.ConfigException;
import dev.postern.config.MainCf;
import dev.postern.tables.LookupTable;
import dev.postern.tables.TableRegistry;

/**
 * Test fixture: cleanup's rewriting built from main.cf lines, with real tables (inline:, and
 * texthash: files written into a directory). The server is mx.example (myorigin too), local
 * domains mx.example and localhost, delimiter +.
 */
final class Cleanup {
    static final List<String> BASE = List.of(
        "myhostname = mx.example", "mydomain = example", "mydestination = $myhostname, localhost",
        "inet_interfaces = loopback-only", "recipient_delimiter = +");

    private Cleanup() {
    }

    static CleanupMaps maps(Path directory, String... lines) {
        List<String> all = new ArrayList<>(BASE);
        all.addAll(Arrays.asList(lines));
        try {
            MainCf mainCf = MainCf.parse("main.cf", all, Map.of());
            ComponentParameters parameters = ComponentParameters.of(mainCf, name -> Optional.empty(), "test");
            TableRegistry registry = new TableRegistry(directory);
            return new CleanupMaps(parameters, name -> {
                try {
                    return registry.open(name);
                } catch (ConfigException e) {
                    throw new IllegalArgumentException(e.getMessage(), e);
                }
            });
        } catch (ConfigException e) {
            throw new IllegalArgumentException(e.getMessage(), e);
        }
    }

    static LookupTable table(Path directory, String name) {
        try {
            return new TableRegistry(directory).open(name);
        } catch (ConfigException e) {
            throw new IllegalArgumentException(e.getMessage(), e);
        }
    }

    /** Writes a texthash source file; returns "texthash:NAME". */
    static String texthash(Path directory, String name, String... lines) {
        try {
            Files.writeString(directory.resolve(name), String.join("\n", lines) + "\n", StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return "texthash:" + directory.resolve(name);
    }

    /** "a ; b" → [a, b]; "-" → []. */
    static List<String> list(String written) {
        return written.equals("-") ? List.of() : List.of(written.split(" ; "));
    }
}
