package dev.postern.tables;

import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.io.InputStreamReader;
import java.util.List;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.postern.config.ConfigException;

/**
 * Postfix's {@code readllines()}: the logical lines of a table source file. A logical line starts
 * with a non-blank character; a physical line that starts with white space continues it (appended
 * as it is, white space included, without the line break); comment lines (first non-blank
 * character {@code #}) and blank lines are skipped without ending the logical line they sit in.
 * A continuation line with nothing before it is ignored with a warning, as Postfix does.
 *
 * <p>Lines are streamed to a consumer, so a million-line file is never held as a list. Invalid
 * UTF-8 is replaced, not rejected (Postfix reads bytes).
 */
final class LogicalLines {
    private static final Logger LOG = LoggerFactory.getLogger(LogicalLines.class);

    /** Receives one logical line and the physical line it starts on (1-based). */
    @FunctionalInterface
    interface Consumer {
        void accept(int line, String text) throws ConfigException;
    }

    private LogicalLines() {
    }

    /** As {@link #read(Path, TableWarning.Sink, Consumer)}, warnings logged. */
    static void read(Path file, Consumer consumer) throws IOException, ConfigException {
        read(file, (where, line, message) -> LOG.warn("{}", new TableWarning(where, line, message)), consumer);
    }

    /** Streams the logical lines; a stray continuation line is ignored and told to {@code warnings}. */
    static void read(Path file, TableWarning.Sink warnings, Consumer consumer) throws IOException, ConfigException {
        var decoder = StandardCharsets.UTF_8.newDecoder()
            .onMalformedInput(CodingErrorAction.REPLACE)
            .onUnmappableCharacter(CodingErrorAction.REPLACE);
        try (BufferedReader reader = new BufferedReader(
                new InputStreamReader(Files.newInputStream(file), decoder), 1 << 16)) {
            StringBuilder logical = null;
            int firstLine = 0;
            int number = 0;
            String physical;
            while ((physical = reader.readLine()) != null) {
                number++;
                int start = 0;
                while (start < physical.length() && isSpace(physical.charAt(start))) {
                    start++;
                }
                if (start == physical.length() || physical.charAt(start) == '#') {
                    continue;
                }
                if (start > 0) {
                    if (logical == null) {
                        warnings.warn(file.toString(), number, "logical line must not start with white space: ignoring this line");
                    } else {
                        logical.append(physical);
                    }
                    continue;
                }
                if (logical != null) {
                    consumer.accept(firstLine, logical.toString());
                }
                logical = new StringBuilder(physical);
                firstLine = number;
            }
            if (logical != null) {
                consumer.accept(firstLine, logical.toString());
            }
        }
    }

    /** Where a pattern table's lines come from: a file, or the rules of an inline table. */
    interface Source {
        /** The name warnings give: the file, or the {@code type:{...}} table name. */
        String name();

        void read(TableWarning.Sink warnings, Consumer consumer) throws IOException, ConfigException;
    }

    static Source of(Path file) {
        return new Source() {
            @Override
            public String name() {
                return file.toString();
            }

            @Override
            public void read(TableWarning.Sink warnings, Consumer consumer) throws IOException, ConfigException {
                LogicalLines.read(file, warnings, consumer);
            }
        };
    }

    /** The rules of an inline table ({@code cidr:{ {rule-1}, {rule-2} }}): one logical line each, numbered from 1. */
    static Source inline(String name, List<String> rules) {
        return new Source() {
            @Override
            public String name() {
                return name;
            }

            @Override
            public void read(TableWarning.Sink warnings, Consumer consumer) throws ConfigException {
                for (int i = 0; i < rules.size(); i++) {
                    consumer.accept(i + 1, rules.get(i));
                }
            }
        };
    }

    static boolean isSpace(char c) {
        return c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\f' || c == 0x0B;
    }

    static String trim(String s) {
        int begin = 0;
        int end = s.length();
        while (begin < end && isSpace(s.charAt(begin))) {
            begin++;
        }
        while (end > begin && isSpace(s.charAt(end - 1))) {
            end--;
        }
        return s.substring(begin, end);
    }
}
