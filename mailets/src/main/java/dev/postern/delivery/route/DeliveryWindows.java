package dev.postern.delivery.route;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.postern.config.ConfigException;

/**
 * {@code postern_delivery_windows}: which destinations take mail only at certain times. Each table is a
 * text file in the format of a {@code texthash:} table (Postfix's table source: {@code key value}, {@code
 * #} comments, a line that starts with white space continues the one before), read whole when the
 * configuration is loaded so that a bad entry stops a start or a reload with its file and line. The key is
 * a transport name ({@code relay}, {@code slow}) or a next hop as routing writes it ({@code example.com},
 * {@code [gw.example.com]:25}); the value a {@link DeliveryWindow}.
 *
 * <p>A route's window is found by its next hop as written, then by that next hop's host without brackets
 * and port, then by its transport name; for each key the tables are asked in order. A file edited while
 * the server runs is read again within a second, as every file table is (no reload needed); an edit
 * that does not parse is logged with its file and line and the entries read before stay in force.
 */
public final class DeliveryWindows {
    public static final String PARAMETER = "postern_delivery_windows";
    public static final DeliveryWindows NONE = new DeliveryWindows(List.of());
    private static final Logger LOGGER = LoggerFactory.getLogger(DeliveryWindows.class);
    /** How often the files are looked at for changes, as the other file tables are. */
    private static final long CHECK_NANOS = Duration.ofMillis(500).toNanos();

    private final List<Table> tables;
    private long lastCheck = System.nanoTime();

    /**
     * One table: its entries and, for one read from a file, the file and the modification time they were
     * read at. An edited file is read again; if the edit does not parse, the entries read before stay and
     * the error, with file and line, is logged.
     */
    private static final class Table {
        private final Optional<Path> file;
        private final ZoneId zone;
        private volatile Map<String, DeliveryWindow> windows;
        private volatile FileTime modified;

        Table(Optional<Path> file, ZoneId zone, Map<String, DeliveryWindow> windows, FileTime modified) {
            this.file = file;
            this.zone = zone;
            this.windows = Map.copyOf(windows);
            this.modified = modified;
        }

        void refresh() {
            if (file.isEmpty()) {
                return;
            }
            try {
                FileTime now = Files.getLastModifiedTime(file.get());
                if (now.equals(modified)) {
                    return;
                }
                modified = now;
                windows = read(file.get(), zone);
                LOGGER.info("{}: {} read again", PARAMETER, file.get());
            } catch (IOException | ConfigException e) {
                LOGGER.error("{}: keeping the windows read before: {}", PARAMETER, e.getMessage());
            }
        }
    }

    private DeliveryWindows(List<Table> tables) {
        this.tables = List.copyOf(tables);
    }

    /**
     * @param tables        the parameter's value: {@code texthash:PATH} or {@code hash:PATH} (the source file
     *                      is read) or a plain path; relative ones under {@code baseDirectory}, which
     *                      for the server is its working directory (the home), as for every other table
     * @param defaultZone   the zone of an entry that names none
     */
    public static DeliveryWindows load(List<String> tables, Path baseDirectory, ZoneId defaultZone) throws ConfigException {
        List<Table> loaded = new ArrayList<>();
        for (String table : tables) {
            Path file = baseDirectory.resolve(fileOf(table));
            try {
                FileTime modified = Files.getLastModifiedTime(file);
                loaded.add(new Table(Optional.of(file), defaultZone, read(file, defaultZone), modified));
            } catch (IOException e) {
                throw new ConfigException(PARAMETER + ": cannot read " + file + ": " + e.getMessage(), e);
            }
        }
        return new DeliveryWindows(loaded);
    }

    private static Map<String, DeliveryWindow> read(Path file, ZoneId zone) throws IOException, ConfigException {
        return entries(file.toString(), Files.readAllLines(file, StandardCharsets.UTF_8), zone);
    }

    /** One table's lines; {@code source} names it in errors. */
    public static DeliveryWindows parse(String source, List<String> lines, ZoneId defaultZone) throws ConfigException {
        return new DeliveryWindows(List.of(new Table(Optional.empty(), defaultZone, entries(source, lines, defaultZone), null)));
    }

    private static Map<String, DeliveryWindow> entries(String source, List<String> lines, ZoneId defaultZone)
            throws ConfigException {
        Map<String, DeliveryWindow> windows = new LinkedHashMap<>();
        String entry = null;
        int entryLine = 0;
        for (int number = 1; number <= lines.size() + 1; number++) {
            String line = number <= lines.size() ? lines.get(number - 1) : "";
            String trimmed = line.strip();
            if (trimmed.startsWith("#")) {
                continue;
            }
            boolean continuation = !trimmed.isEmpty() && Character.isWhitespace(line.charAt(0));
            if (continuation && entry != null) {
                entry = entry + " " + trimmed;
                continue;
            }
            if (continuation) {
                throw new ConfigException(source + " line " + number + ": a continuation line with no entry before it");
            }
            if (entry != null) {
                add(windows, source, entryLine, entry, defaultZone);
            }
            entry = trimmed.isEmpty() ? null : trimmed;
            entryLine = number;
        }
        return windows;
    }

    /** The window of the destination {@code route} goes to, if it has one. */
    public Optional<DeliveryWindow> of(Route route) {
        if (tables.isEmpty()) {
            return Optional.empty();
        }
        refresh();
        String nexthop = route.nexthop().toLowerCase(Locale.ROOT);
        for (String key : List.of(nexthop, host(nexthop), route.transport())) {
            for (Table table : tables) {
                DeliveryWindow window = table.windows.get(key);
                if (window != null) {
                    return Optional.of(window);
                }
            }
        }
        return Optional.empty();
    }

    private synchronized void refresh() {
        long now = System.nanoTime();
        if (now - lastCheck < CHECK_NANOS) {
            return;
        }
        lastCheck = now;
        tables.forEach(Table::refresh);
    }

    private static void add(Map<String, DeliveryWindow> windows, String source, int line, String entry, ZoneId zone)
            throws ConfigException {
        String[] keyAndValue = entry.split("\\s+", 2);
        if (keyAndValue.length < 2) {
            throw new ConfigException(source + " line " + line + ": \"" + entry + "\" has no window"
                + " (expected: destination days time-range... [zone], e.g. example.com Mon-Fri 22:00-06:00 Europe/Berlin)");
        }
        try {
            windows.putIfAbsent(keyAndValue[0].toLowerCase(Locale.ROOT), DeliveryWindow.parse(keyAndValue[1], zone));
        } catch (IllegalArgumentException e) {
            throw new ConfigException(source + " line " + line + ": " + keyAndValue[0] + ": " + e.getMessage(), e);
        }
    }

    /** {@code [gw.example.com]:25} → {@code gw.example.com}; {@code example.com:2525} → {@code example.com}. */
    private static String host(String nexthop) {
        String host = nexthop;
        if (host.startsWith("[")) {
            int close = host.indexOf(']');
            return close > 0 ? host.substring(1, close) : host;
        }
        int colon = host.lastIndexOf(':');
        return colon > 0 && host.indexOf(':') == colon ? host.substring(0, colon) : host;
    }

    private static String fileOf(String table) throws ConfigException {
        int colon = table.indexOf(':');
        if (colon < 0 || table.startsWith("/")) {
            return table;
        }
        String type = table.substring(0, colon);
        if (!type.equals("texthash") && !type.equals("hash")) {
            throw new ConfigException(PARAMETER + ": " + table + ": only texthash: and hash: tables (read as text) are"
                + " supported here, since every entry is checked when the configuration is loaded");
        }
        return table.substring(colon + 1);
    }
}
