package dev.postern.tables.sql;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import dev.postern.config.ConfigException;
import dev.postern.tables.LookupTable;

/**
 * Opens the SQL tables of one table registry ({@code pgsql:}, {@code mysql:}, {@code sqlite:})
 * and owns their connection pools: one pool per table file, so a file named by several
 * parameters (or as {@code pgsql:x.cf} and {@code pgsql:/etc/postern/x.cf}) shares its connections.
 * Not thread-safe by itself: the registry calls it under its lock.
 */
public final class SqlTables implements AutoCloseable {
    /** The table types this class opens. */
    public static final List<String> TYPES = List.of("mysql", "pgsql", "sqlite");

    /** Opens a {@code type:table} named in a {@code domain} setting, through the table registry. */
    @FunctionalInterface
    public interface TableOpener {
        LookupTable open(String spec) throws ConfigException;
    }

    private record Opened(SqlTableConfig config, SqlPool pool) {
    }

    private final Map<String, Opened> byFile = new HashMap<>();

    /**
     * @param spec   {@code type:name} as written, the table's name in messages
     * @param file   the table file, absolute
     * @param opener opens the {@code type:table} entries of a {@code domain} setting
     * @throws ConfigException naming the file (and line, parameter) that is wrong
     */
    public LookupTable open(String type, String spec, Path file, TableOpener opener) throws ConfigException {
        SqlDialect dialect = SqlDialect.of(type);
        String key = type + "\0" + file;
        Opened opened = byFile.get(key);
        if (opened == null) {
            SqlTableConfig config = SqlTableConfig.read(dialect, file, opener);
            opened = new Opened(config, SqlPool.open(config));
            byFile.put(key, opened);
        }
        return new SqlTable(spec, opened.config(), opened.pool());
    }

    /** The number of pools open, for tests of sharing. */
    public int pools() {
        return byFile.size();
    }

    /** Closes every pool; the tables opened here fail their lookups from then on. */
    @Override
    public void close() {
        byFile.values().forEach(opened -> opened.pool().close());
        byFile.clear();
    }
}
