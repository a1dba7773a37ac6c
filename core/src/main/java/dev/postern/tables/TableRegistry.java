package dev.postern.tables;

import java.io.Closeable;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.postern.config.ConfigException;
import dev.postern.tables.net.NetworkTables;
import dev.postern.tables.sql.SqlTables;

/**
 * Opens lookup tables from Postfix {@code type:name} strings; one registry per server.
 *
 * <p>Types: {@code hash}, {@code texthash}, and {@code lmdb}, {@code btree}, {@code cdb}, {@code
 * dbm} as aliases of hash (all read the postmap source text file directly: no {@code .db}, no
 * postmap); {@code regexp}, {@code pcre}, {@code cidr}, each also inline as Postfix 3.7 allows
 * ({@code cidr:{ {rule-1}, {rule-2} }}: each braced element one rule); {@code inline:{k=v, ...}}, {@code
 * static:value}, {@code unionmap:{t1:n1, ...}}, {@code pipemap:{t1:n1, ...}}, {@code fail:name};
 * {@code pgsql:}, {@code mysql:}, {@code sqlite:} with a Postfix table file ({@link SqlTables});
 * {@code ldap:}, {@code socketmap:}, {@code tcp:} (servers, see {@link NetworkTables}); {@code proxy:X},
 * the same shared table as {@code X}.
 * A relative file name is taken relative to the registry's base directory.
 *
 * <p>Sharing: the same {@code type:name} string returns the same table instance; the same file
 * opened under several hash-like types (say {@code hash:x} and {@code lmdb:x}) is read once and
 * its contents shared, each table keeping the name it was opened with. Members of unionmap and
 * pipemap are opened through the registry and shared likewise.
 *
 * <p>Reload: a poller thread (daemon, started with the first file-backed table) checks every file
 * at the poll interval (default 500 ms) and re-reads one whose modification time, size or identity
 * changed. New contents are built completely and then swapped in; a reload that fails keeps the
 * old contents, logs an ERROR naming {@code FILE:LINE} and the reason, and tells the {@link
 * ReloadListener}. A file that disappears keeps its last contents (warning). {@link #close()}
 * stops the poller; tables opened from a closed registry keep answering with their last contents.
 *
 * <p>Thread safety: {@link #open} may be called from any thread; lookups never block on a reload.
 */
public final class TableRegistry implements Closeable {
    private static final Logger LOG = LoggerFactory.getLogger(TableRegistry.class);

    /** The default interval between two checks of the table files. */
    public static final Duration DEFAULT_POLL_INTERVAL = Duration.ofMillis(500);

    private static final List<String> HASH_TYPES = List.of("hash", "texthash", "lmdb", "btree", "cdb", "dbm");
    private static final List<String> KNOWN_TYPES = List.of("btree", "cdb", "cidr", "dbm", "fail", "hash", "inline",
        "ldap", "lmdb", "mysql", "pcre", "pgsql", "pipemap", "proxy", "regexp", "socketmap", "sqlite", "static",
        "tcp", "texthash", "unionmap");

    /** Told about reloads, for logs beyond SLF4J and for tests. Called on the poller thread. */
    public interface ReloadListener {
        /** The file was re-read and its new contents are in use. */
        default void reloaded(Path file) {
        }

        /**
         * The file could not be re-read ({@code message}: {@code FILE:LINE: reason} for a syntax
         * error, {@code FILE: ...} for a file that is gone); the previous contents stay in use.
         */
        default void reloadFailed(Path file, String message) {
        }
    }

    private final Path baseDirectory;
    private final Duration pollInterval;
    private final ReloadListener listener;
    private final Map<String, LookupTable> tables = new HashMap<>();
    private final Map<String, FileSource<?>> sources = new HashMap<>();
    /** The warnings of the inline pattern tables opened so far (they never change). */
    private final List<TableWarning> inlineWarnings = new ArrayList<>();
    /** The SQL tables' connection pools, one per table file. */
    private final SqlTables sqlTables = new SqlTables();
    private ScheduledExecutorService poller;
    private boolean closed;

    /** File names relative to the working directory, checked every 500 ms. */
    public TableRegistry() {
        this(Path.of(""));
    }

    /** File names relative to {@code baseDirectory}, checked every 500 ms. */
    public TableRegistry(Path baseDirectory) {
        this(baseDirectory, DEFAULT_POLL_INTERVAL, new ReloadListener() { });
    }

    public TableRegistry(Path baseDirectory, Duration pollInterval, ReloadListener listener) {
        if (pollInterval.isNegative() || pollInterval.isZero()) {
            throw new IllegalArgumentException("poll interval must be positive: " + pollInterval);
        }
        this.baseDirectory = baseDirectory.toAbsolutePath().normalize();
        this.pollInterval = pollInterval;
        this.listener = listener;
    }

    /** The table types {@link #open} accepts, sorted. */
    public static List<String> knownTypes() {
        return KNOWN_TYPES;
    }

    /**
     * Opens (or returns the already open) table named {@code type:name}.
     *
     * @throws ConfigException naming the table, and for file errors {@code FILE:LINE} and the
     *                         reason: unknown type, missing file, syntax error
     */
    public LookupTable open(String typeAndName) throws ConfigException {
        String spec = typeAndName.trim();
        synchronized (this) {
            if (closed) {
                throw new IllegalStateException("table registry is closed");
            }
            LookupTable existing = tables.get(spec);
            if (existing != null) {
                return existing;
            }
            LookupTable table = create(spec);
            tables.put(spec, table);
            return table;
        }
    }

    /**
     * Opens a table of {@code alias_maps}: the file-based types ({@code hash:}, {@code texthash:}...)
     * read their file in aliases(5) format ({@code name: a, b}), as postalias(1) would build it;
     * every other type is the ordinary table of {@link #open}, its values destination lists.
     *
     * @throws ConfigException naming FILE:LINE for a syntax error in an aliases file
     */
    public LookupTable openAliases(String typeAndName) throws ConfigException {
        String spec = typeAndName.trim();
        if (spec.startsWith("proxy:")) {
            return openAliases(spec.substring("proxy:".length()));
        }
        int colon = spec.indexOf(':');
        if (colon <= 0 || !HASH_TYPES.contains(spec.substring(0, colon))) {
            return open(spec);
        }
        String name = spec.substring(colon + 1);
        if (name.isEmpty()) {
            throw new ConfigException("table " + spec + ": missing name after \"" + spec.substring(0, colon) + ":\"");
        }
        String key = "aliases\0" + spec;
        synchronized (this) {
            if (closed) {
                throw new IllegalStateException("table registry is closed");
            }
            LookupTable existing = tables.get(key);
            if (existing != null) {
                return existing;
            }
            LookupTable table = new AliasTable(spec, source("aliases", spec, name, (file, warnings) -> AliasFile.parse(file)));
            tables.put(key, table);
            return table;
        }
    }

    private LookupTable create(String spec) throws ConfigException {
        int colon = spec.indexOf(':');
        if (colon <= 0) {
            throw new ConfigException("table \"" + spec + "\": expected type:name, such as hash:/etc/postern/virtual;"
                + " known types: " + String.join(", ", KNOWN_TYPES));
        }
        String type = spec.substring(0, colon);
        String name = spec.substring(colon + 1);
        if (!KNOWN_TYPES.contains(type)) {
            throw new ConfigException("table " + spec + ": unknown table type \"" + type + "\"; known types: "
                + String.join(", ", KNOWN_TYPES));
        }
        if (name.isEmpty() && !type.equals("static")) {
            throw new ConfigException("table " + spec + ": missing name after \"" + type + ":\"");
        }
        if (HASH_TYPES.contains(type)) {
            FileSource<CompactStringMap> source = source("hash", spec, name, (file, warnings) -> HashTable.parse(file));
            return new HashTable(spec, source);
        }
        return switch (type) {
            case "regexp", "pcre" -> {
                RegexpTable.Dialect dialect = type.equals("regexp") ? RegexpTable.Dialect.REGEXP : RegexpTable.Dialect.PCRE;
                if (isInline(name)) {
                    List<RegexpTable.Rule> rules = inline(spec, name, (source, sink) -> RegexpTable.parse(source, dialect, sink));
                    yield new RegexpTable(spec, () -> rules);
                }
                yield new RegexpTable(spec, source(type, spec, name, RegexpTable.parser(dialect))::contents);
            }
            case "cidr" -> {
                if (isInline(name)) {
                    CidrTable.Index index = inline(spec, name, CidrTable::parse);
                    yield new CidrTable(spec, () -> index);
                }
                yield new CidrTable(spec, source("cidr", spec, name, CidrTable::parse)::contents);
            }
            case "inline" -> InlineTable.open(spec, name);
            case "static" -> new StaticTable(spec, name);
            case "fail" -> new FailTable(spec);
            case "unionmap" -> new UnionTable(spec, members(spec, name, 1));
            case "pipemap" -> new PipeTable(spec, members(spec, name, 2));
            case "pgsql", "mysql", "sqlite" -> sqlTables.open(type, spec, baseDirectory.resolve(name).normalize(), this::open);
            case "ldap", "socketmap", "tcp" -> NetworkTables.open(type, spec, name, baseDirectory);
            // Postern shares connections itself: proxy:X is the (shared) table X, proxy_read_maps or not.
            case "proxy" -> open(name);
            default -> throw new IllegalStateException("type without an implementation: " + type);
        };
    }

    /** Postfix 3.7's inline pattern table, {@code cidr:{ {rule-1}, {rule-2} }}, rather than a file name. */
    private static boolean isInline(String name) {
        return LogicalLines.trim(name).startsWith("{");
    }

    /** Parses the rules of an inline pattern table: what Postfix would skip is warned about, named by the table. */
    @FunctionalInterface
    private interface InlineParser<T> {
        T parse(LogicalLines.Source source, TableWarning.Sink warnings) throws IOException, ConfigException;
    }

    private <T> T inline(String spec, String name, InlineParser<T> parser) throws ConfigException {
        String body = BraceList.inside(name);
        if (body == null) {
            throw new ConfigException("table " + spec + ": expected " + spec.substring(0, spec.indexOf(':'))
                + ":{ {rule}, {rule}, ... }");
        }
        List<String> rules = new ArrayList<>();
        try {
            for (String element : BraceList.split(body)) {
                rules.add(element.startsWith("{") ? LogicalLines.trim(BraceList.inside(element)) : element);
            }
        } catch (IllegalArgumentException e) {
            throw new ConfigException("table " + spec + ": " + e.getMessage());
        }
        List<TableWarning> warnings = new ArrayList<>();
        T parsed;
        try {
            parsed = parser.parse(LogicalLines.inline(spec, rules),
                (source, line, message) -> warnings.add(new TableWarning(source, line, message)));
        } catch (IOException e) {
            throw new ConfigException("table " + spec + ": " + e.getMessage(), e);
        }
        warnings.forEach(warning -> LOG.warn("{}", warning));
        inlineWarnings.addAll(warnings);
        return parsed;
    }

    private List<LookupTable> members(String spec, String name, int minimum) throws ConfigException {
        String body = BraceList.inside(name);
        if (body == null) {
            throw new ConfigException("table " + spec + ": expected " + spec.substring(0, spec.indexOf(':'))
                + ":{type:name, type:name, ...}");
        }
        List<String> elements;
        try {
            elements = BraceList.split(body);
        } catch (IllegalArgumentException e) {
            throw new ConfigException("table " + spec + ": " + e.getMessage());
        }
        if (elements.size() < minimum) {
            throw new ConfigException("table " + spec + ": needs at least " + minimum + " table"
                + (minimum == 1 ? "" : "s"));
        }
        List<LookupTable> members = new ArrayList<>();
        for (String element : elements) {
            try {
                members.add(open(element));
            } catch (ConfigException e) {
                throw new ConfigException(e.getMessage() + " (in " + spec + ")", e);
            }
        }
        return members;
    }

    @SuppressWarnings("unchecked")
    private <T> FileSource<T> source(String kind, String spec, String name, FileSource.Parser<T> parser)
            throws ConfigException {
        Path file = baseDirectory.resolve(name).toAbsolutePath().normalize();
        String key = kind + "\0" + file;
        FileSource<T> source = (FileSource<T>) sources.get(key);
        if (source == null) {
            source = FileSource.open(file, kind, spec, parser);
            sources.put(key, source);
            startPoller();
        }
        return source;
    }

    private void startPoller() {
        if (poller != null) {
            return;
        }
        poller = Executors.newSingleThreadScheduledExecutor(runnable -> {
            Thread thread = new Thread(runnable, "postern-table-reload");
            thread.setDaemon(true);
            return thread;
        });
        long millis = pollInterval.toMillis();
        poller.scheduleWithFixedDelay(this::checkForChangesQuietly, millis, millis, TimeUnit.MILLISECONDS);
    }

    /**
     * Checks every table file now and re-reads those that changed (what the poller does at each
     * interval; also for an explicit reload command).
     */
    public void checkForChanges() {
        List<FileSource<?>> snapshot;
        synchronized (this) {
            snapshot = new ArrayList<>(sources.values());
        }
        for (FileSource<?> source : snapshot) {
            source.poll(listener);
        }
    }

    private void checkForChangesQuietly() {
        try {
            checkForChanges();
        } catch (RuntimeException | Error e) {
            LOG.error("table reload check failed", e);
        }
    }

    /**
     * The warnings of every file-backed table opened so far, as of its last successful read
     * (rules skipped as Postfix skips them), by file and line: what {@code postern check} lists.
     */
    public synchronized List<TableWarning> warnings() {
        return Stream.concat(sources.values().stream().map(FileSource::warnings).flatMap(List::stream),
                inlineWarnings.stream())
            .distinct()
            .sorted(Comparator.comparing(TableWarning::source).thenComparingInt(TableWarning::line))
            .toList();
    }

    /** The files of the tables opened so far, for a health check that they can still be read. */
    public synchronized List<Path> files() {
        return sources.values().stream().map(FileSource::file).distinct().sorted().toList();
    }

    /** The shared contents holder of a file-backed table, for tests of sharing. */
    synchronized FileSource<?> sourceOf(String kind, Path file) {
        return sources.get(kind + "\0" + baseDirectory.resolve(file).toAbsolutePath().normalize());
    }

    /** Stops the poller and closes the connections of server and SQL tables; open file tables keep their current contents. */
    @Override
    public void close() {
        ScheduledExecutorService stopping;
        List<Closeable> connected;
        synchronized (this) {
            closed = true;
            stopping = poller;
            poller = null;
            sqlTables.close();
            connected = tables.values().stream().filter(Closeable.class::isInstance).map(Closeable.class::cast).toList();
        }
        for (Closeable table : connected) {
            try {
                table.close();
            } catch (IOException | RuntimeException e) {
                LOG.warn("closing table connections failed", e);
            }
        }
        if (stopping != null) {
            stopping.shutdownNow();
            try {
                stopping.awaitTermination(5, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
